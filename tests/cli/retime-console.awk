# Re-time a dmesg-style capture the way a slow serial console spaces it:
# with a legacy (synchronous) console, printk() returns only after the line
# was sent, so each line's timestamp is at least the previous one's plus its
# bytes at the console's rate (115200 baud: about 11520 bytes/s; BPS= to
# change). Lines without a "[ seconds]" time pass unchanged.
# usage: awk -f retime-console.awk [-v BPS=11520] CAPTURE
BEGIN { if (!BPS) BPS = 11520 }
{
	if (match($0, /^\[ *[0-9]+\.[0-9]+\]/)) {
		ts = substr($0, 2, RLENGTH - 2) + 0
		if (ts < t)
			ts = t
		t = ts + (length($0) + 1) / BPS
		us = int((ts - int(ts)) * 1000000 + 0.5)
		printf "[%5d.%06d]%s\n", int(ts) + int(us / 1000000), us % 1000000, substr($0, RLENGTH + 1)
	} else
		print
}
