const { src, dest, series } = require('gulp');

/** Copies what tsc does not: node and credential icons, and the nodes' codex files, next to the built code. */
function copyNodeAssets() {
	return src(['nodes/**/*.{png,svg}', 'nodes/**/*.node.json'], { encoding: false }).pipe(dest('dist/nodes'));
}

function copyCredentialAssets() {
	return src('credentials/**/*.{png,svg}', { encoding: false }).pipe(dest('dist/credentials'));
}

exports['build:assets'] = series(copyNodeAssets, copyCredentialAssets);
exports.default = exports['build:assets'];
