/**
 * The flags a plan is built from: what the CLI's commander parsed, or what the library API
 * (src/api/) turned its typed options into. Values are as typed on a command line (strings,
 * `true`, string lists), so that both go through the same checks and the same messages.
 */
export interface PlanFlags {
  from?: string;
  header?: string[];
  userAgent?: string;
  transport?: string;
  local?: string;
  t1?: string;
  t2?: string;
  t4?: string;
  expect?: string;
  input?: boolean;
  json?: boolean;
  user?: string;
  authUser?: string;
  password?: string;
  passwordFile?: string;
  ha1?: string;
  ipv4?: boolean;
  ipv6?: boolean;
  proxy?: string;
  route?: string[];
  dnsServer?: string;
  [flag: string]: unknown;
}

/** A command and its arguments: `invite bob@host`, `request MESSAGE bob@host`, … */
export interface PlanCommand {
  name: string;
  args: string[];
  flags: PlanFlags;
}
