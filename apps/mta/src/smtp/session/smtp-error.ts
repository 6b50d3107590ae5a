/** An error the SMTP session answers with `responseCode` and its message (one reply line). */
export interface SmtpError extends Error {
  responseCode?: number;
}

/** An error that the session answers with `code` and `message`. */
export function smtpError(code: number, message: string): SmtpError {
  const error: SmtpError = new Error(message);
  error.responseCode = code;
  return error;
}
