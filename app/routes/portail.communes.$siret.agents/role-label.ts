export const roleLabel = (role: string) => (role === "admin" ? "Administrateur" : "Agent");
