import { foldText, maxTermLength, terms, tokenize } from '../../src/domain/text';
import { parseQuery } from '../../src/domain/query';

describe('terms', () => {
  it.each([
    ['Crème Brûlée', ['creme', 'brulee']],
    ['CREME brul', ['creme', 'brul']],
    ['Ærøskøbing Straße', ['ærøskøbing', 'straße']],
    ['ＦＵＬＬ－ｗｉｄｔｈ ﬁle', ['full', 'width', 'file']],
    ['İstanbul naïve café', ['istanbul', 'naive', 'cafe']],
    ['hello,world! (draft) #tag @me e-mail', ['hello', 'world', 'draft', 'tag', 'me', 'e', 'mail']],
    ["l'été don't", ['l', 'ete', 'don', 't']],
    ['pi is 3.14, about 1,000 m at 12:30 on 2026-11-28', ['pi', 'is', '314', 'about', '1000', 'm', 'at', '12', '30', 'on', '2026', '11', '28']],
    ['mp3 v2 covid19 ①', ['mp3', 'v2', 'covid19', '1']],
    ['trailing dot 7. and ,8', ['trailing', 'dot', '7', 'and', '8']],
    ['Москва 東京 Ελλάδα', ['москва', '東京', 'ελλαδα']],
    ['🙂🎉 ... !!! — “”', []],
    ['', []],
  ])('%j → %j', (text, expected) => {
    // Act
    const result = terms(text);

    // Assess
    expect(result).toEqual(expected);
  });

  it('folds decomposed and precomposed accents alike', () => {
    // Prepare
    const precomposed = 'Cr\u00e8me';
    const decomposed = 'Cre\u0300me';

    // Act
    const folded = [foldText(precomposed), foldText(decomposed)];

    // Assess
    expect(folded).toEqual(['creme', 'creme']);
  });

  it('cuts very long runs to a fixed length, the same way for notes and queries', () => {
    // Prepare
    const long = 'a'.repeat(maxTermLength + 30);

    // Act
    const [term] = terms(long);

    // Assess
    expect(term).toHaveLength(maxTermLength);
    expect(terms(`${long}zzz`)).toEqual([term]);
  });

  it('keeps the position of each term in the original text', () => {
    // Prepare
    const text = 'Le 🙂 Crème brûlée';

    // Act
    const tokens = tokenize(text);

    // Assess
    expect(tokens.map((token) => text.slice(token.start, token.end))).toEqual(['Le', 'Crème', 'brûlée']);
  });
});

describe('parseQuery', () => {
  it('makes the last term a prefix and the others exact', () => {
    // Act
    const result = parseQuery('CREME brul');

    // Assess
    expect(result).toEqual([
      { text: 'creme', prefix: false },
      { text: 'brul', prefix: true },
    ]);
  });

  it('drops repeated terms and a prefix that an exact term already satisfies', () => {
    // Act
    const repeated = parseQuery('photo Photo photo');
    const covered = parseQuery('photos phot');

    // Assess
    expect(repeated).toEqual([{ text: 'photo', prefix: false }]);
    expect(covered).toEqual([{ text: 'photos', prefix: false }]);
  });

  it('has no terms for punctuation and emoji', () => {
    // Act
    const result = parseQuery('?! 🙂 -- …');

    // Assess
    expect(result).toEqual([]);
  });
});
