/**
 * `sipcall` with no arguments on a TTY: asks what to do (inquirer), then runs it as if typed.
 * Loaded only on that path, so inquirer costs nothing at start-up otherwise.
 */
export async function askForCommand(): Promise<string[] | undefined> {
  const { default: inquirer } = await import('inquirer');
  const { command } = await inquirer.prompt<{ command: string }>([
    {
      type: 'list',
      name: 'command',
      message: 'What do you want to do?',
      choices: [
        { name: 'demo      — a full call against sipcall’s own loopback UAS', value: 'demo' },
        { name: 'invite    — place a call', value: 'invite' },
        { name: 'options   — ping a SIP peer', value: 'options' },
        { name: 'register  — register an address-of-record', value: 'register' },
        { name: 'answer    — auto-answer calls on a local port', value: 'answer' },
      ],
    },
  ]);
  if (command === 'demo' || command === 'answer') return [command];
  const { target } = await inquirer.prompt<{ target: string }>([
    {
      type: 'input',
      name: 'target',
      message: command === 'register' ? 'Address-of-record (e.g. alice@example.com):' : 'Target (e.g. bob@127.0.0.1:5060):',
      validate: (v: string) => (v.trim() ? true : 'please give a target'),
    },
  ]);
  const { transport } = await inquirer.prompt<{ transport: string }>([
    { type: 'list', name: 'transport', message: 'Transport:', choices: ['udp', 'tcp'], default: 'udp' },
  ]);
  return [command, target.trim(), '--transport', transport];
}
