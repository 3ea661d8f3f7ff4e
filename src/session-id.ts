/** What a session id may be: GitLab's workflow numbers and senders' UUIDs fit; so does nothing that could smuggle markup or paths. */
export const SESSION_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;
