export const USAGE = `Usage: tusk <command> [options]

Datasets
  tusk datasets upload --format idx --images <file> --labels <file> [--partitions N] [--seed S] [--name X]
  tusk datasets upload --format csv --file <file.csv> --label-columns <cols> [--feature-columns <cols>] ...
  tusk datasets upload --format npy --features <file.npy> --labels <file.npy> [--scale F] ...
  tusk datasets list
  tusk datasets show <id>
  tusk datasets delete <id>

Jobs
  tusk jobs submit <job.json> [--dataset <id>] [--watch]
  tusk jobs watch <id>
  tusk jobs list
  tusk jobs show <id>
  tusk jobs cancel <id>

Sweeps
  tusk sweep submit <file.json> [--watch]    file.json is the POST /sweeps body
  tusk sweep watch <id>                      redraws the leaderboard until the sweep ends
  tusk sweep best <id> [--download <dir>]    the best trial's params, metric and job (and its model)
  tusk sweep list
  tusk sweep cancel <id>

Models and workers
  tusk models download <jobId> --out <dir>
  tusk workers

Options
  --url <url>        the driver (default: $TUSK_URL, else http://127.0.0.1:8080)
  --timeout <s>      timeout of every API call in seconds (default 30; 600 for uploads and downloads)
  -h, --help         this text

Environment
  TUSK_URL           the driver's base URL
  TUSK_API_TOKEN     sent as "Authorization: Bearer <token>"

Exit codes: 0 success, 1 error (or a watched job or sweep that did not succeed), 2 usage.
`;
