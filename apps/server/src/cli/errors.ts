import { DomainError } from "@scripts-email/domain";
import { hasMessage, t } from "@scripts-email/i18n";

const OPTION_OF_FIELD: Record<string, string> = {
  email: "--email",
  password: "--password",
  role: "--role",
  locale: "--locale",
  serviceName: "--service-name",
  owner: "--owner",
  reportRecipient: "--report-recipient",
  maxPerDay: "--max-per-day",
  date: "--date",
};

/** A DomainError in the words of the command line (options rather than API fields). */
export function describeDomainError(error: DomainError): string {
  const field = typeof error.params.field === "string" ? error.params.field : undefined;
  const flag = field ? (OPTION_OF_FIELD[field] ?? field) : undefined;
  switch (error.code) {
    case "already_exists":
      return field === "email"
        ? "A user with this e-mail address already exists."
        : field === "serviceName"
          ? "A hosting with this service name already exists."
          : "This already exists.";
    case "not_found":
      return field === "owner"
        ? "No user has the --owner address: create the owner first with user:create."
        : field === "email"
          ? "No user has this --email address."
          : "No hosting has this service name.";
    case "validation_failed":
      return flag ? `${flag} is not valid.` : "Some options are not valid.";
    default: {
      const key = error.messageKey ?? `error.${error.code}`;
      return hasMessage(key) ? t("en", key, error.params) : error.message;
    }
  }
}

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}
