import { Body, Container, Head, Hr, Html, Link, Preview, Section, Text } from "@react-email/components";
import type { ReactNode } from "react";

/**
 * Every mail's frame, in the State's look kept sober: the bloc marque as text (no image to
 * block), the service's name, the content, and why the reader receives it. Real text only, so
 * the plain-text version rendered from the same tree reads the same.
 */

const blue = "#000091";
const grey = "#666666";

export function MailLayout(props: {
  preview: string;
  appUrl: string;
  /** Why this person receives it; optional mails also link to the preferences page. */
  reason: string;
  preferencesUrl?: string;
  children: ReactNode;
}) {
  return (
    <Html lang="fr" dir="ltr">
      <Head />
      <Preview>{props.preview}</Preview>
      <Body style={{ backgroundColor: "#f6f6f6", fontFamily: "Marianne, Arial, sans-serif", color: "#161616" }}>
        <Container
          style={{ maxWidth: "600px", backgroundColor: "#ffffff", padding: "24px", border: "1px solid #dddddd" }}
        >
          <Section>
            <Text style={{ fontWeight: 700, fontSize: "16px", lineHeight: "18px", margin: 0 }}>
              RÉPUBLIQUE
              <br />
              FRANÇAISE
            </Text>
            <Text style={{ fontStyle: "italic", fontSize: "12px", margin: "4px 0 0", color: grey }}>
              Liberté, Égalité, Fraternité
            </Text>
            <Text style={{ fontWeight: 700, fontSize: "18px", margin: "16px 0 0", color: blue }}>Portail QF</Text>
          </Section>
          <Hr />
          <Section>{props.children}</Section>
          <Hr />
          <Section>
            <Text style={{ fontSize: "12px", color: grey, margin: 0 }}>{props.reason}</Text>
            {props.preferencesUrl ? (
              <Text style={{ fontSize: "12px", color: grey }}>
                Pour ne plus recevoir ce type de courriel :{" "}
                <Link href={props.preferencesUrl} style={{ color: blue }}>
                  vos préférences de courriels
                </Link>
                .
              </Text>
            ) : null}
            <Text style={{ fontSize: "12px", color: grey }}>
              Ce courriel est envoyé automatiquement par Portail QF ({props.appUrl}) : merci de ne pas y répondre.
            </Text>
          </Section>
        </Container>
      </Body>
    </Html>
  );
}

export function Paragraph({ children }: { children: ReactNode }) {
  return <Text style={{ fontSize: "16px", lineHeight: "24px" }}>{children}</Text>;
}

/** The mail's one action, as a plain link styled like a DSFR primary button (works in every client). */
export function ActionLink({ href, children }: { href: string; children: ReactNode }) {
  return (
    <Text style={{ margin: "24px 0" }}>
      <Link
        href={href}
        style={{
          backgroundColor: blue,
          color: "#ffffff",
          padding: "10px 16px",
          textDecoration: "none",
          fontSize: "16px",
        }}
      >
        {children}
      </Link>
    </Text>
  );
}
