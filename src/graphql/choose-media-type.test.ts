import { describe, expect, it } from 'vitest';
import { chooseMediaType } from './choose-media-type.js';

describe('chooseMediaType', () => {
  it('prefers the highest quality, then the first listed, and says null when nothing fits', () => {
    expect(chooseMediaType(undefined)).toBe('application/graphql-response+json');
    expect(chooseMediaType('application/json, application/graphql-response+json')).toBe('application/json');
    expect(chooseMediaType('application/graphql-response+json; charset=utf-8, application/json; charset=utf-8')).toBe('application/graphql-response+json');
    expect(chooseMediaType('application/graphql-response+json;q=0, */*')).toBe('application/json');
    expect(chooseMediaType('text/html, image/png')).toBeNull();
  });
});
