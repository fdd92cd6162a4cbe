export declare function regions(source: string): Map<string, string>;
