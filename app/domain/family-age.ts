/**
 * Age in whole years from an API Particulier birth date, whose parts may be presumed ("00"):
 * with an unknown day the month is used, with an unknown month only the year, and the result
 * is then marked approximate rather than guessed.
 */
export function ageFromBirthdate(birthdate: string, now: Date): { years: number; approximate: boolean } | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(birthdate);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (year === 0) return null;
  const [nowYear, nowMonth, nowDay] = [now.getUTCFullYear(), now.getUTCMonth() + 1, now.getUTCDate()];
  let years = nowYear - year;
  if (month === 0) return years < 0 ? null : { years: Math.max(0, years - 1), approximate: true };
  const beforeBirthday = nowMonth < month || (nowMonth === month && day !== 0 && nowDay < day);
  if (beforeBirthday) years--;
  if (years < 0) return null;
  // Born this month, day unknown: the birthday may or may not have passed.
  return { years, approximate: day === 0 && nowMonth === month };
}

export function formatAge(age: { years: number; approximate: boolean } | null): string {
  if (!age) return "âge inconnu";
  const text = age.years === 0 ? "moins d’un an" : `${age.years} an${age.years > 1 ? "s" : ""}`;
  return age.approximate ? `environ ${text}` : text;
}
