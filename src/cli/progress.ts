import cliProgress from 'cli-progress';

/**
 * A progress bar on a terminal; on a pipe (CI logs) nothing until the summary. Without a known
 * total (a job discovers its work chunk by chunk) it counts instead of showing a bar.
 */
export function progressBar(label: string) {
  let bar: cliProgress.SingleBar | undefined;
  return {
    start(total?: number) {
      if (!process.stderr.isTTY) return;
      const format = total ? `${label} [{bar}] {percentage}% | {value}/{total} | {eta_formatted} left` : `${label} {value} done`;
      bar = new cliProgress.SingleBar({ format, stream: process.stderr }, cliProgress.Presets.shades_classic);
      bar.start(total ?? 0, 0);
    },
    update: (value: number) => bar?.update(value),
    stop: () => bar?.stop(),
  };
}
