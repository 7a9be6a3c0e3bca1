// SPDX-License-Identifier: BSD-2-Clause
//
// rg_add_tree — balanced binary adder tree over N words (recursive
// instantiation), so the sum of up to 64 checksum words has log2(N) adder
// levels rather than a chain of N.
//
// Interfaces: in = N words of W bits (word i at in[i*W +: W]); sum = their
// plain integer sum in OW bits (the caller sizes OW so it cannot overflow).
// Latency: combinational.
`default_nettype none

module rg_add_tree #(
    parameter integer N = 64, // number of words, >= 1
    parameter integer W = 16, // bits per word
    parameter integer OW = 24 // bits of the sum, >= W + ceil(log2(N))
) (
    input wire [N*W-1:0] in,
    output wire [OW-1:0] sum
);
    generate
        if (N == 1) begin : g_leaf
            assign sum = {{(OW - W) {1'b0}}, in};
        end else begin : g_node
            localparam integer H = N / 2;
            wire [OW-1:0] lo_sum;
            wire [OW-1:0] hi_sum;
            rg_add_tree #(
                .N (H),
                .W (W),
                .OW(OW)
            ) u_lo (
                .in (in[H*W-1:0]),
                .sum(lo_sum)
            );
            rg_add_tree #(
                .N (N - H),
                .W (W),
                .OW(OW)
            ) u_hi (
                .in (in[N*W-1:H*W]),
                .sum(hi_sum)
            );
            assign sum = lo_sum + hi_sum;
        end
    endgenerate
endmodule
