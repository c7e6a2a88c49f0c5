// Side-effect imports: each connector registers itself. A new ATS adds one line here.
export {};
