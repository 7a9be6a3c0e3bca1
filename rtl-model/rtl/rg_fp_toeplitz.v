// SPDX-License-Identifier: BSD-2-Clause
//
// rg_fp_toeplitz — the flow key hash of include/realmgate/flow.h: Toeplitz
// over the key bytes with the 32-byte secret, 96 output bits read as three
// 32-bit words (bank-0 bucket, bank-1 bucket, tag).
//
// Bits are numbered MSB first: key bit i is bit (7 - i%8) of key byte i/8,
// secret bit k likewise; output bit j = XOR over set key bits i of secret bit
// (i + j). Each output bit is one AND/XOR tree over the key bits, so the
// hash is a single clock whatever the secret. The last key byte is always
// zero and is not hashed (it contributes nothing).
//
// Interfaces: key and secret in the byte-vector convention of the pipeline
// (byte n at bits 8n+7..8n, in memory order); h0/h1/h2 are the output words
// as numbers (output bit 32w is bit 31 of word w).
// Latency: 1 clock.
`default_nettype none
`include "rg_contract.vh"

module rg_fp_toeplitz (
    input wire clk,
    // the key's last byte is always zero and is not hashed
    /* verilator lint_off UNUSEDSIGNAL */
    input wire [8*`RG_FLOW_KEY_BYTES-1:0] key,
    /* verilator lint_on UNUSEDSIGNAL */
    input wire [8*`RG_HASH_SECRET_BYTES-1:0] secret,
    output reg [31:0] h0,
    output reg [31:0] h1,
    output reg [31:0] h2
);
    localparam integer KB = `RG_FLOW_KEY_BYTES - 1;  // hashed key bytes
    localparam integer KBITS = 8 * KB;
    localparam integer OBITS = 32 * `RG_HASH_OUT_WORDS;
    localparam integer SB = `RG_HASH_SECRET_BYTES;

    // Key and secret as MSB-first bit strings: byte 0 on top, so bit i of
    // the string (counted from the top) is bit i of the definition.
    reg [KBITS-1:0] kb;
    // the last secret bits are beyond key bits + output bits
    /* verilator lint_off UNUSEDSIGNAL */
    reg [8*SB-1:0] sb;
    /* verilator lint_on UNUSEDSIGNAL */
    integer n;
    always @(*) begin
        for (n = 0; n < KB; n = n + 1) kb[KBITS-8-8*n+:8] = key[8*n+:8];
        for (n = 0; n < SB; n = n + 1) sb[8*SB-8-8*n+:8] = secret[8*n+:8];
    end

    // output bit j: key bits i against secret bits j + i
    wire [OBITS-1:0] ob;  // ob[OBITS-1-j] = output bit j
    genvar j;
    generate
        for (j = 0; j < OBITS; j = j + 1) begin : g_out
            assign ob[OBITS-1-j] = ^(kb & sb[8*SB-1-j-:KBITS]);
        end
    endgenerate

    always @(posedge clk) begin
        h0 <= ob[OBITS-1-:32];
        h1 <= ob[OBITS-33-:32];
        h2 <= ob[OBITS-65-:32];
    end
endmodule
