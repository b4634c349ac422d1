/** La Poste establishments share one SIREN and are exempt from the Luhn checksum. */
const LA_POSTE_SIRET_PREFIX = "356000000";

/** A SIRET as API Particulier accepts it in `recipient`: 14 digits with a valid Luhn checksum. */
export function isValidSiret(value: string): boolean {
  if (!/^\d{14}$/.test(value)) return false;
  if (value.startsWith(LA_POSTE_SIRET_PREFIX)) return true;
  let sum = 0;
  for (let i = 0; i < value.length; i++) {
    let digit = Number(value[value.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}
