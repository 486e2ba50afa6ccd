/**
 * The password policy's minimum, for hints in the browser (importing the accounts package there
 * would ship its server code); a test holds it equal to the policy the server enforces.
 */
export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_HINT = `At least ${PASSWORD_MIN_LENGTH} characters; a passphrase works well.`;
