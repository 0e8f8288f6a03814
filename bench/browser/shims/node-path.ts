// The two node:path members bench/peers/tfjs.ts uses, for URL paths.
const path = { dirname: (p: string) => p.slice(0, p.lastIndexOf("/")), sep: "/" };
export default path;
