/**
 * A named SQL statement. The name appears in logs and metrics, and node-postgres uses it to
 * prepare the statement once per connection (supabase/storage style: plain SQL under a name).
 */
export interface Statement {
  readonly name: string;
  readonly text: string;
}

export function statement(name: string, text: string): Statement {
  return Object.freeze({ name, text: text.trim() });
}
