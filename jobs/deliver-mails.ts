import { deliverDueMails } from "../app/mail/delivery.server.ts";
import { createMailTransport, mailTransportOptionsFromConfig } from "../app/mail/transport.server.ts";
import type { JobContext } from "./schedules.ts";

/** The mail outbox: sends every mail due, within MAIL_RATE_PER_MINUTE across the workers. */
export async function deliverMailsJob({ db, config }: JobContext) {
  const transport = createMailTransport(mailTransportOptionsFromConfig(config));
  try {
    return await deliverDueMails({ db, transport, from: config.MAIL_FROM, ratePerMinute: config.MAIL_RATE_PER_MINUTE });
  } finally {
    transport.close();
  }
}
