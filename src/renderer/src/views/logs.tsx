// Being written (logs view); replaced by the live log view.
export function LogsView() {
  return <div className="page">Logs</div>;
}
