/**
 * SIRET checks (14 digits: the 9-digit SIREN of the organisation + a 5-digit
 * establishment number). The last digit is a Luhn check digit over the whole
 * number, which catches most typos before we ever ask a register.
 */

/** La Poste's SIREN: it has more establishments than Luhn numbering allows. */
const LA_POSTE_SIREN = "356000000";

const digitsOf = (s: string) => Array.from(s, Number);

function passesLuhn(s: string): boolean {
  let sum = 0;
  digitsOf(s)
    .reverse()
    .forEach((digit, index) => {
      // Every second digit from the right is doubled (and 9 taken off when it overflows).
      const value = index % 2 === 1 ? digit * 2 : digit;
      sum += value > 9 ? value - 9 : value;
    });
  return sum % 10 === 0;
}

/**
 * Whether `s` can be a SIRET. INSEE's one published exception is La Poste:
 * its establishments only need the sum of their digits to be a multiple of 5
 * (its head office, 35600000000048, is an ordinary Luhn number, so either rule passes).
 * This says nothing about whether the establishment exists.
 */
export function isValidSiret(s: string): boolean {
  if (!/^[0-9]{14}$/.test(s)) return false;
  if (passesLuhn(s)) return true;
  if (s.startsWith(LA_POSTE_SIREN)) return digitsOf(s).reduce((a, b) => a + b, 0) % 5 === 0;
  return false;
}
