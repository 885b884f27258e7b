/**
 * Timestamps are shown in whole seconds, yet every change must move `updated_at`: a change in
 * the same second as the previous one is stamped one second later.
 */
export const NEXT_UPDATED_AT =
  "GREATEST(date_trunc('second', now()), date_trunc('second', updated_at) + interval '1 second')";
