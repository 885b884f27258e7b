import { RouteRegistry } from './route-registry.js';

function registryWith(routes: [string, string | string[]][]): RouteRegistry {
  const registry = new RouteRegistry();
  for (const [path, methods] of routes) {
    registry.register(path, methods);
  }

  return registry;
}

describe('RouteRegistry', () => {
  const routes = registryWith([
    ['/v1/organizations', 'POST'],
    ['/v1/organizations', 'GET'],
    ['/v1/organizations/:org_id', ['GET', 'HEAD']],
    ['/v1/organizations/:org_id', 'put'],
    ['/health', 'GET'],
  ]);

  it('lists every method registered for a static path, merged and sorted', () => {
    expect(routes.allowedMethods('/v1/organizations')).toEqual(['GET', 'POST']);
  });

  it('matches a parameter segment against any concrete value, methods upper-cased', () => {
    expect(routes.allowedMethods('/v1/organizations/org_abcdefghijklmnop')).toEqual([
      'GET',
      'HEAD',
      'PUT',
    ]);
  });

  it('does not let a parameter segment match across a slash', () => {
    expect(routes.allowedMethods('/v1/organizations/org_a/users')).toEqual([]);
  });

  it('does not let a parameter segment match an empty value', () => {
    expect(routes.allowedMethods('/v1/organizations//')).toEqual([]);
  });

  it('ignores the query string', () => {
    expect(routes.allowedMethods('/health?verbose=1')).toEqual(['GET']);
  });

  it('accepts one trailing slash', () => {
    expect(routes.allowedMethods('/health/')).toEqual(['GET']);
  });

  it('returns no methods for an unknown path', () => {
    expect(routes.allowedMethods('/v2/organizations')).toEqual([]);
    expect(routes.allowedMethods('/')).toEqual([]);
  });

  it('matches whole paths only, not prefixes or suffixes', () => {
    expect(routes.allowedMethods('/health/ready')).toEqual([]);
    expect(routes.allowedMethods('/api/health')).toEqual([]);
  });

  it('treats regular expression characters in a path literally', () => {
    const registry = registryWith([['/files/report.json', 'GET']]);

    expect(registry.allowedMethods('/files/report.json')).toEqual(['GET']);
    expect(registry.allowedMethods('/files/reportXjson')).toEqual([]);
  });

  it('matches anything under a wildcard segment', () => {
    const registry = registryWith([['/docs/*', 'GET']]);

    expect(registry.allowedMethods('/docs/swagger-ui.css')).toEqual(['GET']);
    expect(registry.allowedMethods('/docs/static/index.html')).toEqual(['GET']);
    expect(registry.allowedMethods('/documents')).toEqual([]);
  });

  it('merges the methods of every route that matches a path', () => {
    const registry = registryWith([
      ['/items/:id', 'GET'],
      ['/items/special', 'DELETE'],
    ]);

    expect(registry.allowedMethods('/items/special')).toEqual(['DELETE', 'GET']);
    expect(registry.allowedMethods('/items/other')).toEqual(['GET']);
  });

  it('lists a method once however often it is registered', () => {
    const registry = registryWith([
      ['/health', 'GET'],
      ['/health', ['GET', 'get']],
    ]);

    expect(registry.allowedMethods('/health')).toEqual(['GET']);
  });
});
