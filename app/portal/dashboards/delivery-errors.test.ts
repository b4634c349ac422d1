import { describe, expect, it } from "vitest";
import { deliveryErrorLabel } from "./delivery-errors";

describe("deliveryErrorLabel", () => {
  it("says what each code the SQL derives means, in French", () => {
    expect(deliveryErrorLabel("hubee_auth_401")).toBe("Identifiants HubEE de la plateforme refusés (HTTP 401)");
    expect(deliveryErrorLabel("hubee_http_403")).toMatch(/commune non abonnée/);
    expect(deliveryErrorLabel("hubee_http_429")).toBe("HubEE limite le débit (HTTP 429)");
    expect(deliveryErrorLabel("hubee_http_503")).toBe("Erreur de HubEE (HTTP 503)");
    expect(deliveryErrorLabel("hubee_http_404")).toBe("HubEE a refusé la requête (HTTP 404)");
    expect(deliveryErrorLabel("contenu_purge")).toBe("Contenu de la transmission absent (déjà purgé)");
  });

  it("shows an unknown code as it is", () => {
    expect(deliveryErrorLabel("nouveau_code")).toBe("nouveau_code");
  });
});
