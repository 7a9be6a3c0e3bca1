// SPDX-License-Identifier: BSD-2-Clause
//
// rg_fp_top — the RTL fast path: one descriptor per clock through parse,
// hash, index, session, adjacency, statistics, rewrite and counters, bit
// for bit what the soft fast path (firmware/fastpath/) does.
//
// Interfaces:
// Descriptor in (AXI4-Stream-like): every beat is one whole descriptor —
// the first RG_FP_WIN_IN bytes of a frame on s_tdata (byte i at bits
// 8i+7..8i), s_tkeep marks the bytes present (bytes without keep are
// zeroed), s_tuser is struct rg_fp_in_meta (its byte layout), s_ttag the
// packet buffer handle of the frame, which comes back with the result.
// s_tlast is accepted for AXI compatibility and ignored (one beat per
// descriptor is the contract). The payload stays in the packet buffer: the
// egress frame is m_tdata[0 .. hdr_len) ++ frame[consumed ..).
// Result out: exactly one beat per descriptor, in order: struct
// rg_fp_out_meta on m_tuser, the output window (RG_FP_WIN_OUT bytes) on
// m_tdata with m_tkeep = hdr_len bytes, the tag on m_ttag. A punt also goes
// to the exception queue (e_*: reason, ingress port, frame length, hit; the
// firmware's miss queue); a result is not released before its exception
// record is accepted.
// CSRs: rg_fp_csr (BAR0 ID block + fast path block).
//
// Back-pressure: the pipeline itself never stalls. A credit counter admits
// a descriptor only while the result FIFO has room for everything already
// in flight, so m_tready low simply fills the FIFO and then holds s_tready
// low; s_tready does not depend on m_tready combinationally.
//
// Pipeline (stage = clock after acceptance; see docs/design.md "RTL"):
//   1     input register, parse A   7-8   index RAM, scan
//   2-5   parse B..E                9-10  session body, verify, action
//   6     hash                      11-12 adjacency, forwarding checks
//                                   13-14 statistics RMW, rewrite
//                                   15    result -> FIFO, counters
// Latency: LATENCY (16) clocks from the accepting clock to m_tvalid with an
// empty FIFO; throughput one descriptor per clock, except one bubble per
// table command.
`default_nettype none
`include "rg_contract.vh"

module rg_fp_top #(
    parameter integer BUCKETS_LOG2 = 13,  // index buckets per bank, log2 (2 banks x 4 slots each)
    parameter integer SESSIONS = 16384,   // session capacity
    parameter integer ADJACENCIES = 1024, // adjacency capacity
    parameter integer TAG_W = 16,         // packet buffer handle bits
    parameter integer OUT_FIFO_LOG2 = 5,  // result FIFO depth, log2 (> LATENCY for full rate)
    parameter integer EXC_FIFO_LOG2 = 4,  // exception queue depth, log2
    parameter [31:0] ID_NEXT = `RG_CTRL_BASE, // NEXT of the ID block: the card's control block
    parameter [31:0] RTL_VERSION = 32'h00010000, // 1.0.0
    parameter [63:0] FEATURES = `RG_FEAT_NAPT | `RG_FEAT_HAIRPIN | // RG_FEAT_* the fast path translates
        `RG_FEAT_TWICE_NAT | `RG_FEAT_IPIP | `RG_FEAT_SPI | `RG_FEAT_HOST_PORT,
    parameter [31:0] SERIAL = 32'd0       // card serial number
) (
    input wire clk,
    input wire rst,
    // descriptors in
    input wire s_tvalid,
    output wire s_tready,
    input wire [8*`RG_FP_WIN_IN-1:0] s_tdata,
    input wire [`RG_FP_WIN_IN-1:0] s_tkeep,
    // tlast: every beat is a whole descriptor, so it carries no information;
    // tuser: the reserved half-word and the unused bits of port and flags
    // are ignored, as the C model ignores them
    /* verilator lint_off UNUSEDSIGNAL */
    input wire s_tlast,
    input wire [8*`RG_FP_IN_META_BYTES-1:0] s_tuser,
    /* verilator lint_on UNUSEDSIGNAL */
    input wire [TAG_W-1:0] s_ttag,
    // results out
    output wire m_tvalid,
    input wire m_tready,
    output wire [8*`RG_FP_WIN_OUT-1:0] m_tdata,
    output wire [`RG_FP_WIN_OUT-1:0] m_tkeep,
    output wire m_tlast,
    output wire [8*`RG_FP_OUT_META_BYTES-1:0] m_tuser,
    output wire [TAG_W-1:0] m_ttag,
    // exception queue toward the firmware
    output wire e_tvalid,
    input wire e_tready,
    output wire [63:0] e_tdata,  // [7:0] reason, [9:8] ingress port, [31:16] frame_len, [63:32] hit
    output wire [TAG_W-1:0] e_ttag,
    // register bus (BAR0)
    input wire csr_valid,
    input wire csr_write,
    input wire [15:0] csr_addr,
    input wire [31:0] csr_wdata,
    output wire [31:0] csr_rdata,
    // identity the card's shell ties to the ID block (firmware version
    // register, build date and commit of the bitstream)
    input wire [31:0] fw_version,
    input wire [31:0] build_date,
    input wire [31:0] git_hash,
    // observability: a table command token entered the pipeline this clock
    output wire tok_issued
);
    localparam integer WB = `RG_FP_WIN_IN;
    localparam integer SAW = $clog2(SESSIONS);
    localparam integer AAW = $clog2(ADJACENCIES);
    localparam integer STW = 8 * (`RG_SESSION_BYTES - `RG_SESSION_BODY_BYTES);
    // stage numbers
    localparam integer S_IN = 1, S_HASH = 6, S_INDEX = 7, S_SESS = 9, S_ADJ = 11, S_RW = 13, S_OUT = 15;
    localparam integer LATENCY = S_OUT + 1;  // clocks from acceptance to m_tvalid

    // ---------------- backbone: what travels with every slot ----------------
    reg v[S_IN:S_OUT];  // a descriptor is in this stage
    reg [8*WB-1:0] w[S_IN:S_OUT];
    reg [TAG_W-1:0] tag[S_IN:S_OUT];
    reg [15:0] flen[S_IN:S_OUT];
    reg [1:0] port[S_IN:S_OUT];
    reg force_[S_IN:S_OUT];
    reg [15:0] tail[S_IN:S_OUT];
    reg [31:0] ts[S_IN:S_OUT];
    // table command tokens
    reg tk[S_IN:S_OUT];
    reg tclr[S_IN:S_OUT];
    reg [2:0] tcmd[S_IN:S_OUT];
    reg [31:0] tidx[S_IN:S_OUT];
    reg tbank[S_IN:S_OUT];
    reg [1:0] tslot[S_IN:S_OUT];

    wire tok_issue, tok_clear, tok_bank;
    wire [2:0] tok_cmd;
    wire [31:0] tok_index;
    wire [1:0] tok_slot;
    wire [8*`RG_SESSION_BYTES-1:0] tok_data;
    assign tok_issued = tok_issue;

    reg [OUT_FIFO_LOG2:0] outstanding;  // accepted, result not yet released
    assign s_tready = !rst && !tok_issue && outstanding < (1 << OUT_FIFO_LOG2);
    wire accept = s_tvalid && s_tready;
    wire release_;

    wire [8*WB-1:0] keepmask;
    genvar gi;
    generate
        for (gi = 0; gi < WB; gi = gi + 1) begin : g_keep
            assign keepmask[8*gi+:8] = {8{s_tkeep[gi]}};
        end
    endgenerate

    integer k;
    always @(posedge clk) begin
        v[S_IN] <= accept;
        w[S_IN] <= tok_issue ? {{(8 * WB - 8 * `RG_SESSION_BYTES) {1'b0}}, tok_data} : s_tdata & keepmask;
        tag[S_IN] <= s_ttag;
        flen[S_IN] <= s_tuser[8*`RG_FPIN_FRAME_LEN_OFF+:16];
        port[S_IN] <= s_tuser[8*`RG_FPIN_PORT_OFF+:2];
        force_[S_IN] <= (s_tuser[8*`RG_FPIN_FLAGS_OFF+:8] & `RG_FPIN_FORCE) != 0;
        tail[S_IN] <= s_tuser[8*`RG_FPIN_TAIL_SUM_OFF+:16];
        ts[S_IN] <= s_tuser[8*`RG_FPIN_TS_MS_OFF+:32];
        tk[S_IN] <= tok_issue;
        tclr[S_IN] <= tok_clear;
        tcmd[S_IN] <= tok_cmd;
        tidx[S_IN] <= tok_index;
        tbank[S_IN] <= tok_bank;
        tslot[S_IN] <= tok_slot;
        for (k = S_IN + 1; k <= S_OUT; k = k + 1) begin
            v[k] <= v[k-1];
            w[k] <= w[k-1];
            tag[k] <= tag[k-1];
            flen[k] <= flen[k-1];
            port[k] <= port[k-1];
            force_[k] <= force_[k-1];
            tail[k] <= tail[k-1];
            ts[k] <= ts[k-1];
            tk[k] <= tk[k-1];
            tclr[k] <= tclr[k-1];
            tcmd[k] <= tcmd[k-1];
            tidx[k] <= tidx[k-1];
            tbank[k] <= tbank[k-1];
            tslot[k] <= tslot[k-1];
        end
        if (rst) begin
            for (k = S_IN; k <= S_OUT; k = k + 1) begin
                v[k] <= 1'b0;
                tk[k] <= 1'b0;
            end
        end
    end

    always @(posedge clk) begin
        if (rst) outstanding <= 0;
        else outstanding <= outstanding + {{OUT_FIFO_LOG2{1'b0}}, accept} - {{OUT_FIFO_LOG2{1'b0}}, release_};
    end

    // ---------------- configuration ----------------
    wire [48*`RG_PORT_COUNT-1:0] port_mac;
    wire [16*`RG_PORT_COUNT-1:0] port_mtu;
    wire [`RG_PORT_COUNT-1:0] port_promisc;
    wire [12*`RG_PORT_COUNT-1:0] port_vid;
    wire [31:0] tunnel_src;
    wire [8*`RG_HASH_SECRET_BYTES-1:0] secret;

    // ---------------- stages 1-6: parse ----------------
    wire p_dec, p_tunnel, p_icmpreq;
    wire [1:0] p_verdict;
    wire [4:0] p_reason;
    wire [8*`RG_FLOW_KEY_BYTES-1:0] p_key;
    wire [6:0] p_l3;
    wire [5:0] p_ihl;
    wire [7:0] p_proto, p_ttl, p_win;
    wire [15:0] p_iplen;
    wire [31:0] p_osrc;
    wire [159:0] p_l4h, p_th;
    rg_fp_parse u_parse (
        .clk         (clk),
        .w_a         (w[S_IN]),
        .len_a       (flen[S_IN]),
        .port_a      (port[S_IN]),
        .port_mac    (port_mac),
        .port_promisc(port_promisc),
        .port_vid    (port_vid),
        .w_b         (w[S_IN+1]),
        .w_c         (w[S_IN+2]),
        .force_d     (force_[S_IN+3]),
        .tail_d      (tail[S_IN+3]),
        .decided     (p_dec),
        .verdict     (p_verdict),
        .reason      (p_reason),
        .key         (p_key),
        .tunnel      (p_tunnel),
        .l3          (p_l3),
        .ihl         (p_ihl),
        .proto       (p_proto),
        .ip_len      (p_iplen),
        .ttl         (p_ttl),
        .icmp_request(p_icmpreq),
        .outer_src   (p_osrc),
        .l4h         (p_l4h),
        .th          (p_th),
        .win         (p_win)
    );

    // parse results travel from stage S_HASH to the stages that use them
    localparam integer PW = 1 + 2 + 5 + 1 + 7 + 6 + 8 + 16 + 8 + 1 + 8 + 160 + 160;
    // field positions (msb) in a pq entry
    localparam integer PQ_DEC = PW - 1, PQ_V = PW - 2, PQ_R = PW - 4, PQ_TUN = PW - 9, PQ_L3 = PW - 10,
        PQ_IHL = PW - 17, PQ_PROTO = PW - 23, PQ_IPLEN = PW - 31, PQ_TTL = PW - 47, PQ_ICMP = PW - 55,
        PQ_WIN = PW - 56;
    wire [PW-1:0] pq5 = {p_dec, p_verdict, p_reason, p_tunnel, p_l3, p_ihl, p_proto, p_iplen, p_ttl,
        p_icmpreq, p_win, p_l4h, p_th};
    reg [PW-1:0] pq[S_HASH+1:S_RW];
    reg [7:0] win_q13, win_q14;  // the window length is needed once more at stage 14
    // key and outer source are needed at stage S_SESS only
    reg [8*`RG_FLOW_KEY_BYTES-1:0] key_q[S_HASH+1:S_SESS];
    reg [31:0] osrc_q[S_HASH+1:S_SESS];
    always @(posedge clk) begin
        pq[S_HASH+1] <= pq5;
        for (k = S_HASH + 2; k <= S_RW; k = k + 1) pq[k] <= pq[k-1];
        win_q13 <= pq[S_RW][PQ_WIN-:8];
        win_q14 <= win_q13;
        key_q[S_HASH+1] <= p_key;
        osrc_q[S_HASH+1] <= p_osrc;
        for (k = S_HASH + 2; k <= S_SESS; k = k + 1) begin
            key_q[k] <= key_q[k-1];
            osrc_q[k] <= osrc_q[k-1];
        end
    end

    // ---------------- stage 6: hash ----------------
    wire [31:0] h0, h1, h2;
    rg_fp_toeplitz u_hash (
        .clk   (clk),
        .key   (p_key),
        .secret(secret),
        .h0    (h0),
        .h1    (h1),
        .h2    (h2)
    );

    // per-table token selects
    function automatic tok_for(input t, input c, input [2:0] cmd, input [31:0] idx, input integer cap,
                               input [2:0] wcmd, input [2:0] rcmd);
        tok_for = t && (c ? idx < cap : (cmd == wcmd || cmd == rcmd));
    endfunction
    wire t_index = tok_for(tk[S_INDEX], tclr[S_INDEX], tcmd[S_INDEX], tidx[S_INDEX], 1 << BUCKETS_LOG2,
        `RG_TBL_WRITE_SLOT, `RG_TBL_READ_SLOT);
    wire t_sess = tok_for(tk[S_SESS], tclr[S_SESS], tcmd[S_SESS], tidx[S_SESS], SESSIONS,
        `RG_TBL_WRITE_SESSION, `RG_TBL_READ_SESSION);
    wire t_adj = tok_for(tk[S_ADJ], tclr[S_ADJ], tcmd[S_ADJ], tidx[S_ADJ], ADJACENCIES,
        `RG_TBL_WRITE_ADJ, `RG_TBL_READ_ADJ);
    wire t_stats = tok_for(tk[S_RW], tclr[S_RW], tcmd[S_RW], tidx[S_RW], SESSIONS,
        `RG_TBL_WRITE_SESSION, `RG_TBL_READ_SESSION);

    // ---------------- stages 7-8: index ----------------
    wire i_cand;
    wire [63:0] i_slot, i_tslot;
    rg_fp_index #(
        .BUCKETS_LOG2(BUCKETS_LOG2)
    ) u_index (
        .clk        (clk),
        .h0         (h0),
        .h1         (h1),
        .h2         (h2),
        .tok        (t_index),
        .tok_clear  (tclr[S_INDEX]),
        .tok_write  (tcmd[S_INDEX] == `RG_TBL_WRITE_SLOT),
        .tok_bucket (tidx[S_INDEX][BUCKETS_LOG2-1:0]),
        .tok_bank   (tbank[S_INDEX]),
        .tok_slot_no(tslot[S_INDEX]),
        .tok_value  (w[S_INDEX][63:0]),
        .cand       (i_cand),
        .slot       (i_slot),
        .tok_slot   (i_tslot)
    );

    // ---------------- stages 9-10: session ----------------
    wire s_hit, s_dir, s_dec, s_exec, s_fwd, s_encap, s_decttl;
    wire [29:0] s_idx;
    wire [1:0] s_verdict;
    wire [4:0] s_reason;
    wire [15:0] s_adj, s_sport, s_dport, s_d3, s_d4;
    wire [31:0] s_src, s_dst, s_tun;
    wire [8*`RG_SESSION_BODY_BYTES-1:0] s_tbody;
    wire [PW-1:0] pe8 = pq[S_SESS];
    wire pdec8 = pe8[PQ_DEC];
    rg_fp_session #(
        .SESSIONS(SESSIONS),
        .AW      (SAW)
    ) u_session (
        .clk      (clk),
        .lookup   (v[S_SESS] && !pdec8),
        .cand     (i_cand),
        .slot     (i_slot),
        .key      (key_q[S_SESS]),
        .tunnel   (pe8[PQ_TUN]),
        .outer_src(osrc_q[S_SESS]),
        .ttl      (pe8[PQ_TTL-:8]),
        .tok      (t_sess),
        .tok_clear(tclr[S_SESS]),
        .tok_write(tcmd[S_SESS] == `RG_TBL_WRITE_SESSION),
        .tok_index(tidx[S_SESS][SAW-1:0]),
        .tok_body (w[S_SESS][8*`RG_SESSION_BODY_BYTES-1:0]),
        .hit      (s_hit),
        .dir      (s_dir),
        .idx      (s_idx),
        .decided  (s_dec),
        .verdict  (s_verdict),
        .reason   (s_reason),
        .executed (s_exec),
        .forward  (s_fwd),
        .encap    (s_encap),
        .dec_ttl  (s_decttl),
        .adj      (s_adj),
        .new_src  (s_src),
        .new_dst  (s_dst),
        .new_sport(s_sport),
        .new_dport(s_dport),
        .d3       (s_d3),
        .d4       (s_d4),
        .tun_addr (s_tun),
        .tok_rbody(s_tbody)
    );

    // decision after the session (stage S_ADJ)
    wire [PW-1:0] pe10 = pq[S_ADJ];
    wire pdec10 = pe10[PQ_DEC];
    wire m10_dec = pdec10 || s_dec;
    wire [1:0] m10_v = pdec10 ? pe10[PQ_V-:2] : s_verdict;
    wire [4:0] m10_r = pdec10 ? pe10[PQ_R-:5] : s_reason;
    wire m10_hit = !pdec10 && s_hit;
    wire m10_exec = !pdec10 && s_exec;

    // ---------------- stages 11-12: adjacency ----------------
    wire a_ok;
    wire [4:0] a_reason;
    wire [1:0] a_port;
    wire [8*`RG_ADJ_BYTES-1:0] a_adj, a_tadj;
    rg_fp_adj #(
        .ADJACENCIES(ADJACENCIES),
        .AW         (AAW)
    ) u_adj (
        .clk      (clk),
        .fwd      (v[S_ADJ] && !m10_dec && s_fwd),
        .adj_index(s_adj),
        .encap    (s_encap),
        .ip_len   (pe10[PQ_IPLEN-:16]),
        .port_mtu (port_mtu),
        .tok      (t_adj),
        .tok_clear(tclr[S_ADJ]),
        .tok_write(tcmd[S_ADJ] == `RG_TBL_WRITE_ADJ),
        .tok_index(tidx[S_ADJ][AAW-1:0]),
        .tok_adj  (w[S_ADJ][8*`RG_ADJ_BYTES-1:0]),
        .ok       (a_ok),
        .reason   (a_reason),
        .port     (a_port),
        .adj      (a_adj),
        .tok_radj (a_tadj)
    );

    // session outputs carried to stage S_RW
    reg m11_dec, m12_dec, m11_hit, m12_hit, m11_exec, m12_exec;
    reg [1:0] m11_v, m12_v;
    reg [4:0] m11_r, m12_r;
    reg [29:0] idx11, idx12;
    reg dir11, dir12, encap11, encap12, decttl11, decttl12;
    reg [31:0] src11, src12, dst11, dst12, tun11, tun12;
    reg [15:0] sport11, sport12, dport11, dport12, d3_11, d3_12, d4_11, d4_12;
    always @(posedge clk) begin
        {m11_dec, m11_v, m11_r, m11_hit, m11_exec} <= {m10_dec, m10_v, m10_r, m10_hit, m10_exec};
        {m12_dec, m12_v, m12_r, m12_hit, m12_exec} <= {m11_dec, m11_v, m11_r, m11_hit, m11_exec};
        {idx11, dir11, encap11, decttl11} <= {s_idx, s_dir, s_encap, s_decttl};
        {idx12, dir12, encap12, decttl12} <= {idx11, dir11, encap11, decttl11};
        {src11, dst11, tun11, sport11, dport11, d3_11, d4_11} <= {s_src, s_dst, s_tun, s_sport, s_dport, s_d3, s_d4};
        {src12, dst12, tun12, sport12, dport12, d3_12, d4_12} <= {src11, dst11, tun11, sport11, dport11, d3_11, d4_11};
    end

    // final decision (stage S_RW)
    wire fwd12 = !m12_dec && a_ok;
    wire [1:0] v12 = m12_dec ? m12_v : (a_ok ? 2'(`RG_VERDICT_FORWARD) : 2'(`RG_VERDICT_PUNT));
    wire [4:0] r12 = m12_dec ? m12_r : (a_ok ? 5'd0 : a_reason);
    wire exec12 = v[S_RW] && (m12_exec || fwd12);

    // ---------------- stages 13-14: statistics ----------------
    wire [STW-1:0] t_rstats;
    rg_fp_stats #(
        .SESSIONS(SESSIONS),
        .AW      (SAW)
    ) u_stats (
        .clk       (clk),
        .rst       (rst),
        .exec      (exec12),
        .idx       (idx12[SAW-1:0]),
        .dir       (dir12),
        .frame_len (flen[S_RW]),
        .ts        (ts[S_RW]),
        .tok       (t_stats),
        .tok_reset (tclr[S_RW] || tcmd[S_RW] == `RG_TBL_WRITE_SESSION),
        .tok_index (tidx[S_RW][SAW-1:0]),
        .tok_rstats(t_rstats)
    );

    // ---------------- stages 13-14: rewrite ----------------
    wire [PW-1:0] pe12 = pq[S_RW];
    wire [8*`RG_FP_WIN_OUT-1:0] rw_out;
    wire [7:0] rw_len;
    rg_fp_rewrite u_rewrite (
        .clk         (clk),
        .w           (w[S_RW]),
        .l3          (pe12[PQ_L3-:7]),
        .ihl         (pe12[PQ_IHL-:6]),
        .proto       (pe12[PQ_PROTO-:8]),
        .icmp_request(pe12[PQ_ICMP]),
        .ip_len      (pe12[PQ_IPLEN-:16]),
        .win         (pe12[PQ_WIN-:8]),
        .l4h         (pe12[319:160]),
        .th          (pe12[159:0]),
        .new_src     (src12),
        .new_dst     (dst12),
        .new_sport   (sport12),
        .new_dport   (dport12),
        .d3          (d3_12),
        .d4          (d4_12),
        .encap       (encap12),
        .dec_ttl     (decttl12),
        .tun_addr    (tun12),
        .tunnel_src  (tunnel_src),
        .adj         (a_adj),
        .out         (rw_out),
        .hdr_len     (rw_len)
    );

    // decision, hit and egress carried to stage S_OUT
    reg [1:0] v13, v14;
    reg [4:0] r13, r14;
    reg hit13, hit14, exec13, exec14, dir13, dir14;
    reg [29:0] idx13, idx14;
    reg [1:0] eport13, eport14;
    always @(posedge clk) begin
        {v13, r13, hit13, exec13, dir13, idx13, eport13} <= {v12, r12, m12_hit, exec12, dir12, idx12, a_port};
        {v14, r14, hit14, exec14, dir14, idx14, eport14} <= {v13, r13, hit13, exec13, dir13, idx13, eport13};
    end

    // ---------------- stage 15: result ----------------
    wire [7:0] win14 = win_q14;
    wire fwd14 = v14 == `RG_VERDICT_FORWARD;
    // a punt of a re-injected packet must not loop
    wire forced = v14 == `RG_VERDICT_PUNT && force_[S_OUT];
    wire [1:0] fv = forced ? 2'(`RG_VERDICT_DROP) : v14;
    wire [4:0] fr = forced ? 5'(`RG_DROP_FORCED_PUNT) : (fwd14 ? 5'd0 : r14);
    reg [8*`RG_FP_OUT_META_BYTES-1:0] ometa;
    always @(*) begin
        ometa = 0;
        ometa[8*`RG_FPOUT_VERDICT_OFF+:8] = {6'b0, fv};
        ometa[8*`RG_FPOUT_PORT_OFF+:8] = fwd14 ? {6'b0, eport14} : 8'd0;
        ometa[8*`RG_FPOUT_REASON_OFF+:8] = {3'b0, fr};
        ometa[8*`RG_FPOUT_HDR_LEN_OFF+:16] = {8'b0, fwd14 ? rw_len : win14};
        ometa[8*`RG_FPOUT_CONSUMED_OFF+:16] = {8'b0, win14};
        ometa[8*`RG_FPOUT_HIT_OFF+:32] = hit14 ? (`RG_FPOUT_HIT | ({31'b0, dir14} << `RG_FPOUT_HIT_DIR_SHIFT) |
            {2'b0, idx14}) : 32'd0;
    end
    wire [8*`RG_FP_WIN_OUT-1:0] owin = fwd14 ? rw_out : {{(8 * (`RG_FP_WIN_OUT - WB)) {1'b0}}, w[S_OUT]};

    wire [6:0] cnt_index;
    wire [31:0] cnt_value;
    rg_fp_counters u_counters (
        .clk     (clk),
        .rst     (rst),
        .inc     (v[S_OUT]),
        .in_port (port[S_OUT]),
        .verdict (fv),
        .reason  (fr),
        .out_port(eport14),
        .hit     (exec14),
        .rd_index(cnt_index),
        .rd_value(cnt_value)
    );

    // ---------------- result FIFO, exception queue ----------------
    localparam integer RW_ = TAG_W + 2 + 16 + 8 * `RG_FP_OUT_META_BYTES + 8 * `RG_FP_WIN_OUT;
    wire [RW_-1:0] head;
    wire r_empty, e_empty, e_full;
    // the credit counter keeps the result FIFO from overflowing and the
    // exception FIFO is throttled by e_full: fill levels are not needed
    /* verilator lint_off UNUSEDSIGNAL */
    wire r_full;
    wire [OUT_FIFO_LOG2:0] r_count;
    wire [EXC_FIFO_LOG2:0] e_count;
    /* verilator lint_on UNUSEDSIGNAL */
    rg_fifo #(
        .W         (RW_),
        .DEPTH_LOG2(OUT_FIFO_LOG2)
    ) u_results (
        .clk  (clk),
        .rst  (rst),
        .wr_en(v[S_OUT]),
        .wdata({tag[S_OUT], port[S_OUT], flen[S_OUT], ometa, owin}),
        .rd_en(release_),
        .rdata(head),
        .empty(r_empty),
        .full (r_full),
        .count(r_count)
    );
    wire [8*`RG_FP_OUT_META_BYTES-1:0] hmeta = head[8*`RG_FP_WIN_OUT+:8*`RG_FP_OUT_META_BYTES];
    wire [15:0] hlen = head[8*`RG_FP_WIN_OUT+8*`RG_FP_OUT_META_BYTES+:16];
    wire [1:0] hport = head[8*`RG_FP_WIN_OUT+8*`RG_FP_OUT_META_BYTES+16+:2];
    wire h_punt = hmeta[8*`RG_FPOUT_VERDICT_OFF+:8] == `RG_VERDICT_PUNT;
    assign m_tvalid = !r_empty && (!h_punt || !e_full);
    assign release_ = m_tvalid && m_tready;
    assign m_tdata = head[8*`RG_FP_WIN_OUT-1:0];
    assign m_tuser = hmeta;
    assign m_ttag = head[RW_-1-:TAG_W];
    assign m_tlast = 1'b1;
    wire [7:0] hhdr = hmeta[8*`RG_FPOUT_HDR_LEN_OFF+:8];
    generate
        for (gi = 0; gi < `RG_FP_WIN_OUT; gi = gi + 1) begin : g_okeep
            assign m_tkeep[gi] = gi < hhdr;
        end
    endgenerate

    rg_fifo #(
        .W         (TAG_W + 64),
        .DEPTH_LOG2(EXC_FIFO_LOG2)
    ) u_exceptions (
        .clk  (clk),
        .rst  (rst),
        .wr_en(release_ && h_punt),
        .wdata({m_ttag, hmeta[8*`RG_FPOUT_HIT_OFF+:32], hlen, 6'b0, hport, hmeta[8*`RG_FPOUT_REASON_OFF+:8]}),
        .rd_en(e_tvalid && e_tready),
        .rdata({e_ttag, e_tdata}),
        .empty(e_empty),
        .full (e_full),
        .count(e_count)
    );
    assign e_tvalid = !e_empty;

    // ---------------- CSRs ----------------
    rg_fp_csr #(
        .BUCKETS_LOG2(BUCKETS_LOG2),
        .SESSIONS    (SESSIONS),
        .ADJACENCIES (ADJACENCIES),
        .DRAIN       (LATENCY),
        .ID_NEXT     (ID_NEXT),
        .RTL_VERSION (RTL_VERSION),
        .FEATURES    (FEATURES),
        .SERIAL      (SERIAL)
    ) u_csr (
        .clk         (clk),
        .rst         (rst),
        .csr_valid   (csr_valid),
        .csr_write   (csr_write),
        .csr_addr    (csr_addr),
        .csr_wdata   (csr_wdata),
        .csr_rdata   (csr_rdata),
        .fw_version  (fw_version),
        .build_date  (build_date),
        .git_hash    (git_hash),
        .port_mac    (port_mac),
        .port_mtu    (port_mtu),
        .port_promisc(port_promisc),
        .port_vid    (port_vid),
        .tunnel_src  (tunnel_src),
        .secret      (secret),
        .cnt_index   (cnt_index),
        .cnt_value   (cnt_value),
        .tok_issue   (tok_issue),
        .tok_clear   (tok_clear),
        .tok_cmd     (tok_cmd),
        .tok_index   (tok_index),
        .tok_bank    (tok_bank),
        .tok_slot    (tok_slot),
        .tok_data    (tok_data),
        .tok_cap_slot(tk[S_SESS]),
        .tok_slot_q  (i_tslot),
        .tok_cap_body(tk[S_ADJ]),
        .tok_body_q  (s_tbody),
        .tok_cap_adj (tk[S_RW]),
        .tok_adj_q   (a_tadj),
        .tok_done    (tk[S_OUT]),
        .tok_stats_q (t_rstats)
    );
endmodule
