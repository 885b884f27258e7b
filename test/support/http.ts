import { assertResponseMatchesOpenApi } from './openapi-validator.js';

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  text: string;
  body: T;
}

export interface RequestOptions {
  token?: string;
  /** A value is sent as JSON; a string is sent as is. */
  body?: unknown;
  rawBody?: string;
  contentType?: string | null;
  headers?: Record<string, string>;
}

/**
 * A small HTTP client for the running app, returning status, headers and parsed JSON. Every
 * response is checked against the committed OpenAPI document (openapi.json) before a test sees
 * it; a disagreement throws an OpenApiMismatchError naming the operation, status and reason.
 */
export class ApiClient {
  constructor(readonly baseUrl: string) {}

  async request<T = any>(
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token !== undefined) {
      headers.authorization = `Bearer ${options.token}`;
    }
    let body: string | undefined;
    if (options.rawBody !== undefined) {
      body = options.rawBody;
    } else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
    }
    const contentType =
      options.contentType === undefined && body !== undefined
        ? 'application/json'
        : options.contentType;
    if (contentType) {
      headers['content-type'] = contentType;
    }
    const response = await fetch(`${this.baseUrl}${path}`, { method, headers, body });
    const text = await response.text();
    assertResponseMatchesOpenApi({
      method,
      path: new URL(response.url).pathname,
      status: response.status,
      headers: response.headers,
      text,
    });
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }

    return { status: response.status, headers: response.headers, text, body: parsed as T };
  }

  get<T = any>(path: string, options?: RequestOptions) {
    return this.request<T>('GET', path, options);
  }

  post<T = any>(path: string, options?: RequestOptions) {
    return this.request<T>('POST', path, options);
  }

  put<T = any>(path: string, options?: RequestOptions) {
    return this.request<T>('PUT', path, options);
  }

  delete<T = any>(path: string, options?: RequestOptions) {
    return this.request<T>('DELETE', path, options);
  }
}
