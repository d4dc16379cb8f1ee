"use client";

// Shown instead of a broken page when a server component fails (the error is logged on the server).
export default function ErrorPage({ reset }: { error: Error; reset: () => void }) {
  return (
    <div className="empty" role="alert">
      <h1>Something went wrong on our side</h1>
      <p>The page could not be produced; nothing you entered was lost. The server logged the cause.</p>
      <button onClick={reset}>Try again</button>
    </div>
  );
}
