using System.Collections.Concurrent;

namespace Julia.Simulator;

public sealed partial class MetaSimulator
{
    readonly CancellationTokenSource _stop = new();
    readonly ConcurrentDictionary<string, string> _lastNumberFor = new();
    Task _doctors = Task.CompletedTask;

    /// <summary>
    /// Doctors write on their own: every <paramref name="every"/> one of <paramref name="phones"/> writes to a number (the one
    /// they wrote to last, else any), which opens their 24-hour window with it. The demo's inbound traffic on Meta numbers.
    /// </summary>
    public void StartDoctors(IReadOnlyList<string> phones, TimeSpan every)
    {
        _doctors = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                try { await Task.Delay(every, Options.Clock, _stop.Token); } catch (OperationCanceledException) { return; }
                var numbers = _numbers.Keys.Order(StringComparer.Ordinal).ToList();
                if (numbers.Count == 0) continue;
                string phone, text, number;
                lock (_limits)
                {
                    phone = phones[_random.Next(phones.Count)].TrimStart('+');
                    text = DoctorLines.Replies[_random.Next(DoctorLines.Replies.Length)];
                    number = _lastNumberFor.TryGetValue(phone, out var last) && numbers.Contains(last) ? last : numbers[_random.Next(numbers.Count)];
                }
                _lastNumberFor[phone] = number;
                try { await DoctorSaysAsync(number, phone, text); }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { } // the service is away: the doctor writes again later
            }
        });
    }

    async Task StopDoctorsAsync()
    {
        await _stop.CancelAsync();
        await _doctors;
        _stop.Dispose();
    }
}
