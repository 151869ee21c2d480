/** The job a bench child process is given as JSON on its stdin (the load client, the bare server). */
export const jobFromStdin = async <Job>(): Promise<Job> => {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Job;
};
