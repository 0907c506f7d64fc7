// A Next.js route handler file.

// ppa-context: http_handler framework=next route=/api/jobs method=GET
export async function GET(request: Request) {
  return Response.json([]);
}

// ppa-context: http_handler method=POST
export async function POST(request: Request) {
  return Response.json({});
}

// ppa-context: library                          near miss: a helper of the route file
export async function helper() {
  return null;
}
