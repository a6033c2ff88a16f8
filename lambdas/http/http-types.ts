/**
 * The HTTP shapes the router speaks, independent of where the request came from (API Gateway in
 * AWS, `node:http` locally). Adapters convert to and from them; route handlers see nothing else.
 */

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';

export interface HttpRequest {
  method: string;
  /** The path without the query string and without any stage prefix, e.g. `/confirm`. */
  path: string;
  /** Query parameters; for a repeated name, the first value. */
  query: Record<string, string>;
  /** Header names in lower case; repeated headers joined with `, `. */
  headers: Record<string, string>;
  /** The body as text (UTF-8), already base64-decoded. */
  body: string;
  /** The client's address as the edge saw it; used only hashed, for rate limits. */
  sourceIp?: string;
  /**
   * Who signed the request, when the edge verified a signature: API Gateway's IAM authoriser
   * (SigV4) puts the caller in the request context and the adapter copies it here. Absent for
   * unsigned requests and locally.
   */
  principal?: { kind: 'iam'; arn: string; accountId?: string };
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Who may call a route. `admin` routes need the router's `authorizeAdmin` hook to say yes. */
export type RouteAuth = 'public' | 'admin';

export interface RouteOptions {
  /** Default `public`. */
  auth?: RouteAuth;
}

export type RouteHandler = (request: HttpRequest) => Promise<HttpResponse>;

/**
 * Decides whether a request may call an `admin` route. In AWS, API Gateway enforces IAM (SigV4)
 * on `/admin/*` before the Lambda runs, so the hook there can check the request context the
 * adapter kept; locally it checks an admin token. Absent hook: every admin request is refused.
 */
export type AdminAuthorizer = (request: HttpRequest) => boolean | Promise<boolean>;
