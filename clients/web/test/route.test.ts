import { href, parseRoute, type Route } from '../src/route';

describe('the web app routes', () => {
  test.each<[string, Route]>([
    ['', { name: 'notes' }],
    ['#/', { name: 'notes' }],
    ['#/sign-in', { name: 'sign-in' }],
    ['#/sign-up', { name: 'sign-up' }],
    ['#/notes', { name: 'notes' }],
    ['#/notes/new', { name: 'note', id: null }],
    ['#/notes/6f1c', { name: 'note', id: '6f1c' }],
    ['#/search', { name: 'search' }],
    ['#/inbox', { name: 'inbox' }],
    ['#/things', { name: 'things' }],
    ['#/things/kitchen%20sensor', { name: 'thing', id: 'kitchen sensor' }],
    ['#/admin', { name: 'admin' }],
    ['#/nowhere', { name: 'notes' }],
    ['#/notes/a/b', { name: 'notes' }],
  ])('%s is %j', (hash, route) => {
    // Act
    const parsed = parseRoute(hash);

    // Assess
    expect(parsed).toEqual(route);
  });

  test.each<Route>([{ name: 'notes' }, { name: 'note', id: null }, { name: 'note', id: 'a/b c' }, { name: 'thing', id: 'x/y' }, { name: 'admin' }])('href(%j) reads back as the same route', (route) => {
    // Act
    const back = parseRoute(href(route));

    // Assess
    expect(back).toEqual(route);
  });
});
