import { deepStrictEqual } from 'node:assert';
import { isPlaceholderName } from '../../../server/src/facts/placeholder-names';

describe('placeholder names', () => {
  it('are the documentation domains and the names that address the reader, nothing else', () => {
    const names = [
      'example.org',
      'www.example.com',
      '*.example.net',
      'shop.example',
      'nothing.invalid',
      'your_host_ip',
      'yourdomain.com',
      'YOUR-SERVER',
      'yourhostname.fr',
      'your.domain.tld',
      'yourls.org',
      'youreka.com',
      'examples.org',
      'myexample.com',
      'example.com.au',
      'app',
      'gmset.com',
    ];
    deepStrictEqual(names.filter(isPlaceholderName), [
      'example.org',
      'www.example.com',
      '*.example.net',
      'shop.example',
      'nothing.invalid',
      'your_host_ip',
      'yourdomain.com',
      'YOUR-SERVER',
      'yourhostname.fr',
      'your.domain.tld',
    ]);
  });
});
