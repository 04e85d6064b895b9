/**
 * Names a template repository writes for the user to replace: the domains reserved for
 * documentation (RFC 2606 and RFC 6761: example.com, example.net, example.org and their
 * subdomains, the `.example` and `.invalid` top-level domains) and names that address the reader
 * (`yourdomain.com`, `your_host_ip`, `YOUR-SERVER`): `your` and a word that names what to put
 * there, so that a real name that starts so (`yourls.org`) is no placeholder. Such a name fails as
 * written, but the repository's README asks the user to put a real one there first.
 */
export function isPlaceholderName(name: string): boolean {
  const lower = name.toLowerCase().replace(/^\*\./, '');
  if (/^(?:[a-z0-9-]+\.)*example\.(?:com|net|org)$/.test(lower)) return true;
  if (/\.(?:example|invalid)$/.test(lower)) return true;
  return /^your[-_.]?(?:domain|domainname|host|hostname|server|servername|site|sitename|website|app|ip|address|name|email|url|backend|upstream|service)(?![a-z])/.test(
    lower,
  );
}
