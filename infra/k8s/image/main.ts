// `npm run image:build`: the Dockerfile's image without Docker (root; see image.ts), then `ticket-archiver --help` run
// in it. Prints the OCI reference to push (skopeo copy oci:<layout>:<tag> docker://<registry>/ticket-archiver:<tag>).
import { join } from 'node:path';
import { Command } from 'commander';
import { projectRoot, stackSettings } from '../../local/settings.ts';
import { loadVersions } from '../../local/versions.ts';
import { buildImage, unpackImage } from './image.ts';

const opts = new Command()
  .name('npm run image:build --')
  .description("build the Dockerfile's image without Docker (debootstrap + umoci) and run ticket-archiver --help in it")
  .option('--tag <tag>', 'image tag', process.env.npm_package_version ?? 'dev')
  .option('--out <dir>', 'where the OCI image layout is written', join(projectRoot, '.image'))
  .parse()
  .opts<{ tag: string; out: string }>();

const log = (m: string) => console.error(m);
const image = buildImage(stackSettings(), loadVersions(), opts, log);
const unpacked = unpackImage(image, opts.out);
const help = unpacked.run();
unpacked.close();
process.stdout.write(help.stdout);
if (help.status !== 0) {
  console.error(`ticket-archiver --help in the image exited ${help.status}:\n${help.stderr}`);
  process.exit(1);
}
console.error(
  `\nimage: ${image.ref} (Debian ${loadVersions().image.debianSuite}, nodejs ${image.nodejs}, user ${help.spec.user.uid})`,
);
