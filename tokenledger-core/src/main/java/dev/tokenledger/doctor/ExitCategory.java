package dev.tokenledger.doctor;

/** The kind of problem a failed check is, which decides the command's exit code. */
public enum ExitCategory {
  /** Nothing blocks. */
  NONE,
  /** Configuration: a missing, misplaced, placeholder or shared key; a wrong key id; a bad file. */
  CONFIGURATION,
  /** OpenAI refused a key: 401 (invalid key, missing scope) or 403. */
  KEY_REFUSED,
  /** The API could not be reached or kept failing: network, DNS, TLS, 429 or 5xx after retries. */
  API_UNAVAILABLE
}
