/* rtu_vs_tcp PTY TCP_PORT: reads the system block 0x2000 (66 registers) from the virtual board
 * over Modbus RTU on the pty and from the module over Modbus TCP, both with libmodbus, and checks
 * they carry the same values (within 0.1 %: the two reads may land in different measuring windows).
 * Prints both and exits 0 when they agree. */
#include <errno.h>
#include <math.h>
#include <modbus/modbus.h>
#include <stdio.h>
#include <stdlib.h>

static int read_block(modbus_t *ctx, uint16_t *regs, const char *what) {
    if (modbus_connect(ctx) != 0) {
        fprintf(stderr, "%s: cannot connect: %s\n", what, modbus_strerror(errno));
        return -1;
    }
    modbus_set_slave(ctx, 1);
    modbus_set_response_timeout(ctx, 2, 0);
    int rc = -1;
    for (int attempt = 0; attempt < 5 && rc != 66; ++attempt) rc = modbus_read_registers(ctx, 0x2000, 66, regs);
    if (rc != 66) fprintf(stderr, "%s: read 0x2000 failed: %s\n", what, modbus_strerror(errno));
    modbus_close(ctx);
    return rc == 66 ? 0 : -1;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: rtu_vs_tcp PTY TCP_PORT\n");
        return 2;
    }
    uint16_t rtu[66], tcp[66];
    modbus_t *r = modbus_new_rtu(argv[1], 19200, 'N', 8, 1);
    modbus_t *t = modbus_new_tcp("127.0.0.1", atoi(argv[2]));
    if (!r || !t) return 2;
    if (read_block(r, rtu, "RTU") != 0 || read_block(t, tcp, "TCP") != 0) return 1;
    int bad = 0;
    const char *names[] = {"F", "Va", "Vb", "Vc", "Vlnavg", "Vab", "Vbc", "Vca", "Vllavg", "Ia", "Ib", "Ic", "Iavg", "P", "Q", "S", "PF"};
    for (int i = 0; i < 17; ++i) {
        const float a = modbus_get_float_abcd(&rtu[2 * i]), b = modbus_get_float_abcd(&tcp[2 * i]);
        const int ok = fabsf(a - b) <= 0.001f * fabsf(b) + 1e-6f;
        printf("%-7s rtu %12.4f tcp %12.4f %s\n", names[i], a, b, ok ? "" : "DIFFERENT");
        if (!ok) ++bad;
    }
    if (modbus_get_float_abcd(&rtu[0]) < 45.0f) ++bad;
    modbus_free(r);
    modbus_free(t);
    return bad ? 1 : 0;
}
