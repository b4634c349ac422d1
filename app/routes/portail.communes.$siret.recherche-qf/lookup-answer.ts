import { EMPTY_LOOKUP_VALUES, type LookupErrors, type LookupValues } from "~/portal/qf-lookup/lookup-fields";
import type { OutcomeMessage } from "~/portal/qf-lookup/outcome-messages";

/** What the lookup page shows after a search (or a save that failed): the action's data. */

export interface Choice {
  code: string;
  label: string;
}

export interface FoundPerson {
  name: string;
  birthdate: string;
}

export interface FoundQuotient {
  value: string;
  period: string;
  provider: string;
  allocataires: FoundPerson[];
  enfants: FoundPerson[];
}

export interface LookupAnswer {
  values: LookupValues;
  errors: LookupErrors;
  communeChoices: Choice[];
  communeSuggestions: Choice[];
  offerFormerCommune: boolean;
  message: OutcomeMessage | null;
  found: FoundQuotient | null;
  /** The answer, sealed for the "save" form. */
  sealed: string | null;
}

export const EMPTY_ANSWER: LookupAnswer = {
  values: EMPTY_LOOKUP_VALUES,
  errors: {},
  communeChoices: [],
  communeSuggestions: [],
  offerFormerCommune: false,
  message: null,
  found: null,
  sealed: null,
};
