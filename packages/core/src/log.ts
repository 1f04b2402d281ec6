/** Where progress and result lines go unless a caller says otherwise: stderr, so stdout stays for results. */
export const defaultLog = (line: string): void => {
  process.stderr.write(`${line}\n`);
};
