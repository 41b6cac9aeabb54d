// The manager's desktop face lives here, under /desk, on the same data layer as the
// phone views. The dashboard itself comes in a later issue.
export function DeskDashboard() {
  return (
    <div class="screen">
      <main class="content">
        <h1>Manager dashboard</h1>
        <p>The desktop dashboard is coming in a later release. Field work is at <a href="/">the phone app</a>.</p>
      </main>
    </div>
  )
}
