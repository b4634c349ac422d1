import { describe, expect, it } from "vitest";
import { classifyAddress, resolveTarget } from "./address-guard.server";

describe("classifyAddress", () => {
  it.each([
    ["127.0.0.1", "de bouclage"],
    ["127.255.255.254", "de bouclage"],
    ["10.1.2.3", "privée"],
    ["172.16.0.1", "privée"],
    ["172.31.255.255", "privée"],
    ["192.168.1.10", "privée"],
    ["169.254.169.254", "lien-local"],
    ["100.64.0.1", "partagée (CGNAT)"],
    ["100.127.255.255", "partagée (CGNAT)"],
    ["0.0.0.0", "« ce réseau »"],
    ["224.0.0.251", "de multidiffusion"],
    ["239.255.255.250", "de multidiffusion"],
    ["255.255.255.255", "réservée"],
    ["198.18.0.1", "de test"],
    ["192.0.2.1", "de documentation"],
  ])("refuses the IPv4 address %s (%s)", (address, label) => {
    expect(classifyAddress(address)).toEqual({ allowed: false, reason: `adresse ${label}` });
  });

  it.each(["8.8.8.8", "1.1.1.1", "172.32.0.1", "172.15.255.255", "100.128.0.1", "193.51.24.1", "169.255.0.1"])(
    "allows the public IPv4 address %s",
    (address) => {
      expect(classifyAddress(address)).toEqual({ allowed: true });
    },
  );

  it.each([
    ["::1", "de bouclage"],
    ["[::1]", "de bouclage"],
    ["::", "non spécifiée ou compatible IPv4"],
    ["::ffff:127.0.0.1", "IPv4 transposée"],
    ["::ffff:7f00:1", "IPv4 transposée"],
    ["::ffff:8.8.8.8", "IPv4 transposée"],
    ["::ffff:0:7f00:1", "IPv4 traduite (SIIT)"],
    ["[::ffff:0:7f00:1]", "IPv4 traduite (SIIT)"],
    ["::ffff:0:127.0.0.1", "IPv4 traduite (SIIT)"],
    ["::ffff:0:a9fe:a9fe", "IPv4 traduite (SIIT)"],
    ["64:ff9b::a00:1", "de traduction NAT64"],
    ["fc00::1", "locale unique (ULA)"],
    ["fd12:3456:789a::1", "locale unique (ULA)"],
    ["fe80::1", "lien-local"],
    ["fe80::1%eth0", "lien-local"],
    ["ff02::1", "de multidiffusion"],
    ["2001:db8::1", "de documentation"],
    ["2002:7f00:1::1", "6to4"],
    ["2001:0:4136:e378::1", "réservée (IETF, Teredo)"],
  ])("refuses the IPv6 address %s (%s)", (address, label) => {
    expect(classifyAddress(address)).toEqual({ allowed: false, reason: `adresse ${label}` });
  });

  it("refuses the whole IPv4-translated range ::ffff:0:0:0/96, whatever the IPv4 address", () => {
    for (let i = 0; i < 2_000; i++) {
      const v4 = Array.from({ length: 4 }, () => Math.floor(Math.random() * 256));
      const hex = (a: number, b: number) => ((a << 8) | b).toString(16);
      const address = `::ffff:0:${hex(v4[0]!, v4[1]!)}:${hex(v4[2]!, v4[3]!)}`;
      expect(classifyAddress(address), address).toEqual({ allowed: false, reason: "adresse IPv4 traduite (SIIT)" });
    }
    // Its first and last addresses.
    expect(classifyAddress("::ffff:0:0:0").allowed).toBe(false);
    expect(classifyAddress("::ffff:0:ffff:ffff").allowed).toBe(false);
  });

  it.each(["2001:4860:4860::8888", "2a01:e0a:1::1", "2606:4700:4700::1111"])(
    "allows the public IPv6 address %s",
    (address) => {
      expect(classifyAddress(address)).toEqual({ allowed: true });
    },
  );

  it("refuses what is not an IP address", () => {
    expect(classifyAddress("localhost").allowed).toBe(false);
    expect(classifyAddress("999.1.1.1").allowed).toBe(false);
  });
});

describe("resolveTarget", () => {
  const resolverOf = (answers: Record<string, string[]>) => async (host: string) =>
    (answers[host] ?? []).map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));

  it("refuses a name when any of its addresses is private, in production", async () => {
    const resolver = resolverOf({ "mixed.example": ["93.184.215.14", "10.0.0.5"] });
    await expect(resolveTarget("mixed.example", { allowPrivate: false, resolver })).rejects.toThrow(
      "adresse refusée : adresse privée",
    );
  });

  it("returns the checked address to connect to", async () => {
    const resolver = resolverOf({ "public.example": ["2001:4860:4860::8888", "93.184.215.14"] });
    expect(await resolveTarget("public.example", { allowPrivate: false, resolver })).toEqual({
      address: "2001:4860:4860::8888",
      family: 6,
    });
  });

  it("checks IP literals without resolving them", async () => {
    const resolver = async () => {
      throw new Error("must not be called");
    };
    await expect(resolveTarget("[::1]", { allowPrivate: false, resolver })).rejects.toThrow("de bouclage");
    await expect(resolveTarget("169.254.169.254", { allowPrivate: false, resolver })).rejects.toThrow("lien-local");
    expect(await resolveTarget("127.0.0.1", { allowPrivate: true, resolver })).toEqual({
      address: "127.0.0.1",
      family: 4,
    });
  });

  it("fails cleanly on a name that does not resolve", async () => {
    await expect(resolveTarget("nowhere.example", { allowPrivate: false, resolver: resolverOf({}) })).rejects.toThrow(
      "DNS",
    );
  });
});
