export async function main(argv: string[]): Promise<number> { console.log('hi', argv.slice(2)); return 0; }
