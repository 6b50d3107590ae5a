// Every catalogue, for the server (API, mail, CLI): it may speak any language at any time.
import fr from "./catalogue/fr.json" with { type: "json" };
import pt from "./catalogue/pt.json" with { type: "json" };
import { addCatalogue } from "./core.ts";

export * from "./core.ts";

addCatalogue("pt", pt);
addCatalogue("fr", fr);
