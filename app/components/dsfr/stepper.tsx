import { type HeadingTag } from "./shared";

type StepperProps = {
  /** Title of the current step. */
  title: string;
  titleAs?: Exclude<HeadingTag, "p">;
  currentStep: number;
  stepCount: number;
  /** Omit on the last step. */
  nextStepTitle?: string;
};

/** DSFR "indicateur d'étapes" for a process of several pages. */
export function Stepper({ title, titleAs: Title = "h2", currentStep, stepCount, nextStepTitle }: StepperProps) {
  return (
    <div className="fr-stepper">
      <Title className="fr-stepper__title">
        {title}
        <span className="fr-stepper__state">
          Étape {currentStep} sur {stepCount}
        </span>
      </Title>
      <div className="fr-stepper__steps" data-fr-current-step={currentStep} data-fr-steps={stepCount}></div>
      {nextStepTitle ? (
        <p className="fr-stepper__details">
          <span className="fr-text--bold">Étape suivante :</span> {nextStepTitle}
        </p>
      ) : null}
    </div>
  );
}
