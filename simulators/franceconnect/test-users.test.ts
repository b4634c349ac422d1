import { describe, expect, it } from "vitest";
import { loadTestUsers, parseTestUsers, pivotIdentity, userClaims } from "./test-users.ts";

describe("FranceConnect integration test users", () => {
  const users = loadTestUsers();
  const byLogin = new Map(users.map((u) => [u.login, u]));

  it("reads every identity of the CSV, blank lines skipped", () => {
    expect(users).toHaveLength(38);
    expect(users.every((u) => u.login && u.password === "123")).toBe(true);
  });

  it("builds the pivot identity in FranceConnect's formats", () => {
    expect(pivotIdentity(byLogin.get("test")!)).toEqual({
      given_name: "Angela Claire Louise",
      given_name_array: ["Angela", "Claire", "Louise"],
      family_name: "DUBOIS",
      birthdate: "1962-08-24",
      gender: "female",
      birthplace: "75107",
      birthcountry: "99100",
    });
    expect(pivotIdentity(byLogin.get("sans_prenom")!)).toMatchObject({ given_name: "", given_name_array: [] });
    expect(pivotIdentity(byLogin.get("test_CORSE_2B")!).birthplace).toBe("2B050");
  });

  it("omits the contact claims a user does not have", () => {
    expect(userClaims(byLogin.get("sans_mail_sans_tel")!)).not.toHaveProperty("email");
    expect(userClaims(byLogin.get("sans_mail_sans_tel")!)).not.toHaveProperty("phone_number");
    expect(userClaims(byLogin.get("avec_nom_dusage")!)).toMatchObject({ preferred_username: "DUBOIS" });
  });

  it("parses quoted fields", () => {
    expect(parseTestUsers('login,street_address\nx,"1, rue ""A"""\n')[0]).toEqual({
      login: "x",
      street_address: '1, rue "A"',
    });
  });
});
