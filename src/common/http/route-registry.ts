/**
 * The routes the application serves, collected as Fastify registers them. It lets an answer for
 * an unmatched request tell a wrong method (405, with `Allow`) from an unknown path (404).
 */
export class RouteRegistry {
  private readonly routes: { pattern: RegExp; methods: Set<string> }[] = [];

  register(path: string, methods: string | string[]): void {
    const pattern = toPattern(path);
    const existing = this.routes.find((route) => route.pattern.source === pattern.source);
    const target = existing ?? { pattern, methods: new Set<string>() };
    for (const method of Array.isArray(methods) ? methods : [methods]) {
      target.methods.add(method.toUpperCase());
    }
    if (!existing) {
      this.routes.push(target);
    }
  }

  /** The methods served at a concrete path, empty when no route matches it. */
  allowedMethods(url: string): string[] {
    const path = url.split('?')[0];
    const methods = new Set<string>();
    for (const route of this.routes) {
      if (route.pattern.test(path)) {
        route.methods.forEach((method) => methods.add(method));
      }
    }

    return [...methods].sort();
  }
}

function toPattern(path: string): RegExp {
  const source = path
    .split('/')
    .map((segment) => {
      if (segment.startsWith(':')) {
        return '[^/]+';
      }
      if (segment === '*') {
        return '.*';
      }

      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');

  return new RegExp(`^${source}/?$`);
}
