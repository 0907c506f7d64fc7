// A Next.js pages-router API route.

// ppa-context: http_handler framework=next route=/api/health
export default function handler(req, res) {
  res.status(200).json({ ok: true });
}
