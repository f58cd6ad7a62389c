/** The addresses a test may connect to: 127.0.0.0/8, ::1, and `localhost`. */
export declare const isLoopback: (host: string) => boolean
