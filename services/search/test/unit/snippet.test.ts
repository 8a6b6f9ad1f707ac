import { parseQuery } from '../../src/domain/query';
import { snippetLength, snippetOf } from '../../src/domain/snippet';

const filler = (words: number, word = 'lorem') => Array.from({ length: words }, () => word).join(' ');

describe('snippetOf', () => {
  it('shows a short body whole', () => {
    // Act
    const snippet = snippetOf('Burn the sugar with a torch.', parseQuery('sugar'));

    // Assess
    expect(snippet).toBe('Burn the sugar with a torch.');
  });

  it('shows the text around the first match, cut at word boundaries, with ellipses', () => {
    // Prepare
    const body = `${filler(60)} the Crème brûlée needs a torch ${filler(60, 'ipsum')}`;

    // Act
    const snippet = snippetOf(body, parseQuery('creme BRUL'));

    // Assess
    expect(snippet.startsWith('…lorem')).toBe(true);
    expect(snippet.endsWith('ipsum…')).toBe(true);
    expect(snippet).toContain('the Crème brûlée needs a torch');
    expect(snippet.length).toBeLessThanOrEqual(snippetLength + 2);
  });

  it('starts at the beginning when the match is only in the title', () => {
    // Prepare
    const body = filler(100);

    // Act
    const snippet = snippetOf(body, parseQuery('absent'));

    // Assess
    expect(snippet.startsWith('lorem lorem')).toBe(true);
    expect(snippet.endsWith('…')).toBe(true);
  });

  it('collapses line breaks and never splits an emoji', () => {
    // Prepare
    const body = `${'🙂'.repeat(100)}\n\nmatch here\n${'🎉'.repeat(100)}`;

    // Act
    const snippet = snippetOf(body, parseQuery('match'));

    // Assess
    expect(snippet).toContain(' match here ');
    expect(snippet).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
  });

  it('is empty for an empty body', () => {
    // Act
    const snippet = snippetOf('', parseQuery('x'));

    // Assess
    expect(snippet).toBe('');
  });
});
