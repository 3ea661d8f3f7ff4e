import { describe, expect, it } from 'vitest';
import {
  consistencyProof,
  inclusionProof,
  leafHash,
  nodeHash,
  rootFromLeafHashes,
  verifyConsistency,
  verifyInclusion,
} from './merkle.js';

const b64 = (s: string): Buffer => Buffer.from(s, 'base64');

// golang/mod sumdb/tlog/testdata/argon2020/*.json (used by sumdb/tlog/ct_test.go): real responses
// of Google's Argon 2020 Certificate Transparency log, a production tree of 961,984,013 leaves.
const sth = { size: 961984013, root: 'dwlueapdd7LaOEnX2W2Wp9v2XE+KzejHRQGHwEx0oaM=' }; // sth.json
// entries.json, get-entries?start=10000&end=10000: leaf_input of entry 10000
const leafInput =
  'AAAAAAFelPhqUwAAAAViMIIFXjCCBEagAwIBAgIRAOodHzZdqWIFzYyl/SovhCMwDQYJKoZIhvcNAQELBQAwgZAxCzAJBgNVBAYTAkdCMRswGQYDVQQIExJHcmVhdGVyIE1hbmNoZXN0ZXIxEDAOBgNVBAcTB1NhbGZvcmQxGjAYBgNVBAoTEUNPTU9ETyBDQSBMaW1pdGVkMTYwNAYDVQQDEy1DT01PRE8gUlNBIERvbWFpbiBWYWxpZGF0aW9uIFNlY3VyZSBTZXJ2ZXIgQ0EwHhcNMTcwMjE1MDAwMDAwWhcNMjAwNDE2MjM1OTU5WjBfMSEwHwYDVQQLExhEb21haW4gQ29udHJvbCBWYWxpZGF0ZWQxHTAbBgNVBAsTFFBvc2l0aXZlU1NMIFdpbGRjYXJkMRswGQYDVQQDDBIqLmxhbmRsb3Jkcy5jb20uYXUwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEKAoIBAQCtPBKKHj4zdrGlCjgTHzb5gx9JCs97DwvBz60f14gDufF2haWbOxyJ0a3opAMsZnOr8HkARVCwxdqG/PTfACcb0QM7FOlzvxGqxataTYiChwvkkif8F9GlJw69HuHgzhusPf1Ytfk3ps1PRC14MkyrS4kwPrk/Le4XdkqRpRw62wG4V6IkbzsNMEOl1H8EgUbfyapdOcVxHjIzvBVy56fBRKG05Fr5wNq3Acak5kYZdNsLhhmlrqAfAjiombW3hb3V5blJdRC0BDdYHv2+zKey6LqJ1FDoXo6IzbzPpC+aifZy47YX+/N1U64Qn5xlDg7mOP8JXfkNJHbU1TJZHif5AgMBAAGjggHhMIIB3TAfBgNVHSMEGDAWgBSQr2o6lFoL2JDqElZz30O0Oija5zAdBgNVHQ4EFgQUNQSLjkoz01I+iuuoC5lgEp0anhcwDgYDVR0PAQH/BAQDAgWgMAwGA1UdEwEB/wQCMAAwHQYDVR0lBBYwFAYIKwYBBQUHAwEGCCsGAQUFBwMCME8GA1UdIARIMEYwOgYLKwYBBAGyMQECAgcwKzApBggrBgEFBQcCARYdaHR0cHM6Ly9zZWN1cmUuY29tb2RvLmNvbS9DUFMwCAYGZ4EMAQIBMFQGA1UdHwRNMEswSaBHoEWGQ2h0dHA6Ly9jcmwuY29tb2RvY2EuY29tL0NPTU9ET1JTQURvbWFpblZhbGlkYXRpb25TZWN1cmVTZXJ2ZXJDQS5jcmwwgYUGCCsGAQUFBwEBBHkwdzBPBggrBgEFBQcwAoZDaHR0cDovL2NydC5jb21vZG9jYS5jb20vQ09NT0RPUlNBRG9tYWluVmFsaWRhdGlvblNlY3VyZVNlcnZlckNBLmNydDAkBggrBgEFBQcwAYYYaHR0cDovL29jc3AuY29tb2RvY2EuY29tMC8GA1UdEQQoMCaCEioubGFuZGxvcmRzLmNvbS5hdYIQbGFuZGxvcmRzLmNvbS5hdTANBgkqhkiG9w0BAQsFAAOCAQEACyHqxUzrexToY7tOv4+kyGPP2D27P1tQpyzeAl1bPObiMhNK2b9vvBLDWAaqm8c0YL1h+DBdLoWzf3xFsIkTCVCjWJTNSNlcYtgRk6or1s7jWsfXzWqsnPjPPmTIOCw7EfH7Yme3oxPs3UUsmShAgPwNohAtL9GqlqMiKM6v1WU3NHt01jEoNP23LRa6KeNK6AH6WHJykzL223IlhgXjHTeuQj6lR+TNrQXJuhwTXYe+20rrpPQxc1Pn7AqnvfWgmicRQ7gdIcr4V6+ecTvLfNOaJ0ZYe5G5giuAAdTm7F57pk04f4gyZNYKrj88mvbkoriN8b6jcWExtrYO6bm2TwAA';
// proof.json, get-proof-by-hash: audit_path of leaf 10000
const auditPath = 'T46AmJsuOM/gFiGlUp+IJJebp+1Z5qratFNW7U0JyOQ= 9Jj1Feodn42uRYEfffkV4HF/EIPFQ5Zo9IwkxbQ2uhk= D53/1oCNebF4J59HHgioovKZxrmrKcVuCVhy3Izg8Ck= wSFDgGSrsXRPA+1c8WHoAFCsWeUv8NDyP/Q/SgsyVyY= 516/RcwsgdwdzHn18v1dJHqBkgFUbNhmCIWOGjsMJaE= naTFY2ajLFgrgs5XUl+zJYZnnlJksLGsA1VYwpLfqbY= mKBRJo6qao+0Kdh/rhGkZUbHUAxMhrtrclrTpIbNjIg= Co4ueOFE7lpifLio94irxxsv1wFMMaK3tPu2ZQkHlro= yRgy800K6JMYCC05sWfqF2kvCg2riT/pVM+nEa6V5+0= n2O38XJZC8/Wpbwi9HhgVizlUyeUHVZvYyQB1607MRc= go3tAjuNfNSCj87y2Rg1xOroDknGN1eaf3cgvzObf7Q= 8D0Mj3/J7ySSnFb0afIHYXv6rlOhECnsebY6XKi1IR8= 6rcez46ZU8M5vPiWVMAUfJfAOV0pPP/mch/lYzZhj/M= 2rtIeXrPvSdUyHc5maIgSAVB2BzaKaupWxSAiVayDE4= nniW/IMFQPN5xw8UsHFn7CRStYbm1gLu7NNa6kkRqJQ= mRPPi7sQS22MduIEyvcNzCNFqIt6kLwYPkNKrVtIcu8= JvTivzESNS9wHI8aph5a7uieVmtS/p9PciMZ5D6GyOo= UTyQd+Ym0wY4zG+qK806bBORwi1CSVvFQ/KknnqoZj8= hXODrqN+ff+U6zPqRQ+ZQKs6im1fPcxIerDSfNwflhE= II6GE+WY/DrpZzfHztLwkR46o37zVkNLCyPYlf68zA0= d609kWWcNBllbA8Jb/ad4XAVVGnScLRmtP8FYyr+Dck= rikBsP0G0gioXRpBFED2CzQdSLrGPvRd0bEcbEZw1rI= GXIElfmnRuWfbA4z7ubV/UwlpSRUbUeec7oL5HDDnh0= pR0SH/NYP6s9+8azWwaeUXA4Ze/3WCIgMfh5YW6wvcE= f3GuAKYVrF8RBg3s15jvA/YvV9oAliWtzP/imwPhQVA= WHn8zDxlVgkV+lSlmzaOdfSBrTHoRr5nT3d76q0KKWE= f2uV2ZxVgULzLPKuZcowRY3ZY7fRlX59iDBjV1R8kNQ= NzQVjJsvQwbi7WStMr9oFkh9VbHfK7LB6o7WwAqwNTs= C0LttBeYHZHgL+032JIcJC3CTBIyza/hsbmJUgJfmDI= nixU5CWTFVDlF4BGdcU6kA7WSYurEpe9jRWc+F/7sOc=';
// consistency.json, get-sth-consistency?first=3654490; old root from ct_test.go
const oldTree = { size: 3654490, root: 'AuIZ5V6sDUj1vn3Y1K85oOaQ7y+FJJKtyRTl1edIKBQ=' };
const consistency = '80Sfbj6UQEdVSZCSIgh9NMPj3vCBzcc1A48B2crJSWg= FZcrgAHUk6nNPviJZq8kEK6jCG1d18pJOFE45ZDc1TQ= Q67reWXmPBo1UfmwBap4Xi9PMPfFdUSSw3WGlRZdG7k= eJ7CyhR4PxzBxDIsWgrVYW1eFUb9ndgf46tFmiqVrxA= QrDwp062Grm5WY8KdrhFsBuuNjGzRox2Jb8PmVL5OYw= XM4YMjMEdLH/XJam/ZWyaP14k3cmsOtnPsOWQ54lW1s= SGiBh+jOTGccXU48ZzgQ88lRcBmtB4wz4oSDndv2QTg= WAS6txqNLYKGL1GdBdpqmV42TTfn6cJsuDsqLXuTCNI= QFmRS0rirUA7ZN3lxFjDncV+E1OCrn3NUB4RCp+5fzc= Hdbp7It2XBNZmNDBpCN/KPd7vfVqxgzwOosqVIaEA9E= mxvHL0ZiblBdD7j7pIa1jlfB0gSqfJ6oX0UGo7L0VsU= q5hjyvoW6TL/PThgcitpDcSTrnKX2p1+aqscqH2euRA= jTOWDqt3IHj2NVFeezyBz2ofpru+ztEywqKUAfFclKI= GIRn0w3HqJdvU9j1WVD//eR6lk2AaTVjyzjsJNP8U88= x52GJvxG81fnQBrgOTbll1A5tz95/LXK0Ag1NhB0r1I= 6/0OqrcTgc3o5dD5PymmoC96lB9yLPFuTHVvLy8fSGk= Gf+iKLfcXO5l4JEFmsZvSdG5q1uEeWPfYLrds6pmjz0= DGuaco+McyM3AfRSF6qX7RwSetwe2ieYJmxw5e9rVx0= 2tQJ9V32hnYp+fdpP6TcjmgJmLeNVOMKM0Ml1kk4cNU= 3PapK+IkyJr8I9yAErAmzuZezzLMzsg+PfeRCgNW8NQ= s6xiYeejb+wtqHA+URJZ2I/SCPyIW8coP6aB00FJbMY= z9lSpmdTcr5M5ZzKlc4EPh3SrSypKFdk6JUF/UccaZU= GXIElfmnRuWfbA4z7ubV/UwlpSRUbUeec7oL5HDDnh0= pR0SH/NYP6s9+8azWwaeUXA4Ze/3WCIgMfh5YW6wvcE= f3GuAKYVrF8RBg3s15jvA/YvV9oAliWtzP/imwPhQVA= WHn8zDxlVgkV+lSlmzaOdfSBrTHoRr5nT3d76q0KKWE= f2uV2ZxVgULzLPKuZcowRY3ZY7fRlX59iDBjV1R8kNQ= NzQVjJsvQwbi7WStMr9oFkh9VbHfK7LB6o7WwAqwNTs= C0LttBeYHZHgL+032JIcJC3CTBIyza/hsbmJUgJfmDI= nixU5CWTFVDlF4BGdcU6kA7WSYurEpe9jRWc+F/7sOc=';

// Node IDs (level, index) of proofs in transparency-dev/merkle proof/proof_test.go (TestInclusion,
// TestConsistency). `rehash: [begin, end)` marks IDs folded into one ephemeral right-border node,
// folded as in TestRehash there: h = ids[begin]; then h = HashChildren(ids[i], h).
type Shape = { ids: [level: number, index: number][]; rehash?: [number, number] };
const inclusionShapes: [size: number, index: number, Shape][] = [
  [7, 0, { ids: [[0, 1], [1, 1], [0, 6], [1, 2]], rehash: [2, 4] }],
  [7, 4, { ids: [[0, 5], [0, 6], [2, 0]] }],
  [7, 6, { ids: [[1, 2], [2, 0]] }],
  [6, 3, { ids: [[0, 2], [1, 0], [1, 2]] }],
  [15, 10, { ids: [[0, 11], [1, 4], [0, 14], [1, 6], [3, 0]], rehash: [2, 4] }],
  [31, 24, { ids: [[0, 25], [1, 13], [0, 30], [1, 14], [3, 2], [4, 0]], rehash: [2, 4] }],
  [95, 81, { ids: [[0, 80], [1, 41], [2, 21], [0, 94], [1, 46], [2, 22], [4, 4], [6, 0]], rehash: [3, 6] }],
];
const consistencyShapes: [size1: number, size2: number, Shape][] = [
  [1, 6, { ids: [[0, 1], [1, 1], [1, 2]] }],
  [3, 7, { ids: [[0, 2], [0, 3], [1, 0], [0, 6], [1, 2]], rehash: [3, 5] }],
  [4, 7, { ids: [[0, 6], [1, 2]], rehash: [0, 2] }],
  [5, 7, { ids: [[0, 4], [0, 5], [0, 6], [2, 0]] }],
  [7, 8, { ids: [[0, 6], [0, 7], [1, 2], [2, 0]] }],
  [10, 15, { ids: [[1, 4], [1, 5], [0, 14], [1, 6], [3, 0]], rehash: [2, 4] }],
  [24, 31, { ids: [[3, 2], [0, 30], [1, 14], [2, 6], [4, 0]], rehash: [1, 4] }],
  [81, 95, { ids: [[0, 80], [0, 81], [1, 41], [2, 21], [0, 94], [1, 46], [2, 22], [4, 4], [6, 0]], rehash: [4, 7] }],
];

describe('merkle against published logs', () => {
  it('verifies inclusion of entry 10000 in the Argon 2020 CT log (961,984,013 leaves)', () => {
    const proof = auditPath.split(' ').map(b64);
    expect(verifyInclusion(10000, sth.size, leafHash(b64(leafInput)), proof, b64(sth.root))).toBe(true);
    expect(verifyInclusion(10001, sth.size, leafHash(b64(leafInput)), proof, b64(sth.root))).toBe(false);
    expect(verifyInclusion(10000, sth.size * 2, leafHash(b64(leafInput)), proof, b64(sth.root))).toBe(false);
  });

  it('verifies the Argon 2020 consistency proof from 3,654,490 to 961,984,013 leaves', () => {
    const proof = consistency.split(' ').map(b64);
    expect(verifyConsistency(oldTree.size, sth.size, b64(oldTree.root), b64(sth.root), proof)).toBe(true);
    expect(verifyConsistency(oldTree.size + 1, sth.size, b64(oldTree.root), b64(sth.root), proof)).toBe(false);
    expect(verifyConsistency(oldTree.size, sth.size, b64(oldTree.root), b64(sth.root), proof.slice(1))).toBe(false);
  });

  const hashes = Array.from({ length: 95 }, (_, i) => leafHash(String(i)));
  const expand = ({ ids, rehash }: Shape): Buffer[] => {
    const nodes = ids.map(([level, index]) => rootFromLeafHashes(hashes.slice(index * 2 ** level, (index + 1) * 2 ** level)));
    if (rehash === undefined) return nodes;
    const [begin, end] = rehash;
    const folded = nodes.slice(begin + 1, end).reduce((h, node) => nodeHash(node, h), nodes[begin]!);
    return [...nodes.slice(0, begin), folded, ...nodes.slice(end)];
  };

  it.each(inclusionShapes)('builds the inclusion proof shape of proof_test.go for size %i index %i', (size, index, shape) => {
    expect(inclusionProof(index, size, hashes)).toEqual(expand(shape));
  });

  it.each(consistencyShapes)('builds the consistency proof shape of proof_test.go for %i -> %i', (m, n, shape) => {
    expect(consistencyProof(m, n, hashes)).toEqual(expand(shape));
  });
});
