/** The incident every CDN policy names in its message. */
export const snippetIncident =
  "Incident 000: the snippet was served by the API's load balancers, and when they fell over customers' pages hung on it.";
