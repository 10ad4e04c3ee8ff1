// A small design for the yosys program test (synth_ice40): a UART-style
// shift register, an 8-bit ALU with a registered result, a counter with
// a state machine, and a small RAM, so that synthesis exercises carry
// chains, LUT mapping, flip-flops with enables/resets and BRAM inference.
module alu (
    input  wire [2:0] op,
    input  wire [7:0] a,
    input  wire [7:0] b,
    output reg  [7:0] y,
    output wire       zero
);
  always @* begin
    case (op)
      3'd0: y = a + b;
      3'd1: y = a - b;
      3'd2: y = a & b;
      3'd3: y = a | b;
      3'd4: y = a ^ b;
      3'd5: y = a << b[2:0];
      3'd6: y = a >> b[2:0];
      default: y = (a < b) ? 8'd1 : 8'd0;
    endcase
  end
  assign zero = (y == 8'd0);
endmodule

module top (
    input  wire       clk,
    input  wire       rst,
    input  wire       rx,
    input  wire [2:0] op,
    input  wire [7:0] b,
    output reg  [7:0] result,
    output wire       zero,
    output reg  [1:0] state,
    output wire [7:0] mem_out
);
  localparam IDLE = 2'd0, SHIFT = 2'd1, EXEC = 2'd2, DONE = 2'd3;
  reg [7:0] shift;
  reg [2:0] bits;
  reg [15:0] counter;
  wire [7:0] y;

  alu u_alu (.op(op), .a(shift), .b(b ^ counter[7:0]), .y(y), .zero(zero));

  reg [7:0] ram [0:255];
  reg [7:0] ram_q;
  always @(posedge clk) begin
    if (state == DONE) ram[counter[7:0]] <= result;
    ram_q <= ram[b];
  end
  assign mem_out = ram_q;

  always @(posedge clk) begin
    if (rst) begin
      state <= IDLE;
      shift <= 8'd0;
      bits <= 3'd0;
      counter <= 16'd0;
      result <= 8'd0;
    end else begin
      counter <= counter + 16'd1;
      case (state)
        IDLE: if (!rx) state <= SHIFT;
        SHIFT: begin
          shift <= {rx, shift[7:1]};
          bits <= bits + 3'd1;
          if (bits == 3'd7) state <= EXEC;
        end
        EXEC: begin
          result <= y;
          state <= DONE;
        end
        DONE: state <= IDLE;
      endcase
    end
  end
endmodule
